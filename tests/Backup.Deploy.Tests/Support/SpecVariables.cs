using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Backup.Deploy.Tests.Support;

/// <summary>The <c>${VAR}</c> / <c>${VAR:-default}</c> references of a job spec, read from its values only (comments may mention variables).</summary>
internal static partial class SpecVariables
{
    /// <summary>Every variable the spec references, and whether each reference has a default.</summary>
    public static IReadOnlyDictionary<string, bool> Read(string specText)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(specText));
        var found = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var scalar in stream.Documents.Single().AllNodes.OfType<YamlScalarNode>())
        {
            foreach (Match match in Reference().Matches(scalar.Value ?? ""))
            {
                var name = match.Groups["name"].Value;
                var hasDefault = match.Groups["default"].Success;
                found[name] = found.TryGetValue(name, out var before) ? before && hasDefault : hasDefault;
            }
        }

        return found;
    }

    /// <summary>The variables referenced without a default: the run fails unless the container sets them.</summary>
    public static IReadOnlyList<string> Required(string specText) =>
        Read(specText).Where(v => !v.Value).Select(v => v.Key).ToList();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<default>:-[^}]*)?\}")]
    private static partial Regex Reference();
}
