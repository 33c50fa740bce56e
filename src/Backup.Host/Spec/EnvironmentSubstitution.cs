using System.Text;
using System.Text.RegularExpressions;

namespace Backup.Host.Spec;

/// <summary>Replaces <c>${VAR}</c> and <c>${VAR:-default}</c> in spec values, shell-style; <c>$$</c> is a literal <c>$</c>.</summary>
/// <remarks>Applied to scalar values after YAML parsing, so a variable's content can never change the YAML structure.</remarks>
internal static partial class EnvironmentSubstitution
{
    /// <summary>Substitutes every reference in <paramref name="value"/>; returns the names of unset variables without default.</summary>
    public static string Substitute(string value, Func<string, string?> lookup, out IReadOnlyList<string> missing)
    {
        var unset = new List<string>();
        var result = Reference().Replace(value, match =>
        {
            if (match.Value == "$$")
            {
                return "$";
            }

            var name = match.Groups["name"].Value;
            var current = lookup(name);
            if (match.Groups["default"].Success)
            {
                // Shell semantics of ":-": the default also replaces an empty value.
                return string.IsNullOrEmpty(current) ? match.Groups["default"].Value : current;
            }

            if (current is null)
            {
                unset.Add(name);
                return string.Empty;
            }

            return current;
        });

        missing = unset;
        return result;
    }

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\}")]
    private static partial Regex Reference();
}
