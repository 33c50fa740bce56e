using System.Buffers;
using System.Text;
using Backup.Host.Pipeline;
using YamlDotNet.RepresentationModel;

namespace Backup.Host.Spec;

/// <summary>The job's name, the <c>artifact</c> section and <c>tempDirectory</c>: every name and key a run will write, checked against what every storage takes.</summary>
internal sealed partial class SpecLoader
{
    // Object stores and file systems agree on few characters: S3 calls only letters, digits and !-_.*'() safe,
    // Azure turns '\' into '/', a local file system refuses NUL, and a newline or other control character splits
    // the result line on stdout and the logs. The job's and the backup's names keep to letters, digits, '.', '_'
    // and '-'; the prefix keeps to the same with '/' between segments, so every part of a key follows one rule.
    private static readonly SearchValues<char> PrefixCharacters = SearchValues.Create(ArtifactNames.SafeNameCharacters + "/");

    private static readonly SearchValues<char> ControlCharacters =
        SearchValues.Create([.. Enumerable.Range(0, 0xA0).Select(code => (char)code).Where(char.IsControl)]);

    // Whether the name can be measured as part of names and keys; its problems are reported here.
    private bool CheckName(YamlMappingNode root, string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        var at = At(Child(root, "name")!.Start);
        if (!ArtifactNames.IsSafeName(name))
        {
            _problems.Add($"{at}: name '{Printable(name)}' may only contain letters, digits, '.', '_' and '-'");
            return false;
        }

        if (name.Length > NameLimits.MaxJobNameLength)
        {
            _problems.Add($"{at}: name is {name.Length} characters long; the limit is {NameLimits.MaxJobNameLength} (it is part of the run's directory, object and file names)");
            return false;
        }

        return true;
    }

    private ArtifactSpec ReadArtifact(YamlMappingNode root, string jobName, bool jobNameIsUsable)
    {
        var node = Child(root, "artifact");
        if (node is not (null or YamlMappingNode))
        {
            return Problem(node, "artifact must be a mapping with 'prefix' and 'name'", new ArtifactSpec(jobName, ArtifactSpec.DefaultNameTemplate));
        }

        var mapping = node as YamlMappingNode;
        if (mapping is not null)
        {
            CheckKeys(mapping, "artifact.", ArtifactKeys);
        }

        var prefixNode = mapping is null ? null : Child(mapping, "prefix");
        var templateNode = mapping is null ? null : Child(mapping, "name");
        var prefix = prefixNode is null ? jobName : (OptionalScalar(mapping!, "prefix", "artifact.prefix") ?? "").Trim('/');
        var template = templateNode is null ? null : OptionalScalar(mapping!, "name", "artifact.name");
        if (string.IsNullOrWhiteSpace(template))
        {
            template = ArtifactSpec.DefaultNameTemplate;
        }

        // Lengths are measured only when every part is valid, so one mistake is one line.
        var measurable = jobNameIsUsable;
        if (ArtifactNames.ValidateTemplate(template) is { } error)
        {
            _problems.Add($"{At(templateNode!.Start)}: artifact.name {error}");
            measurable = false;
        }

        if (prefixNode is not null && PrefixProblem(prefix) is { } problem)
        {
            _problems.Add($"{At(prefixNode.Start)}: artifact.prefix {problem}");
            measurable = false;
        }

        if (measurable)
        {
            var nameNode = Child(root, "name")!;
            CheckLengths(prefix, template, jobName, prefixNode ?? nameNode, templateNode ?? nameNode);
        }

        return new ArtifactSpec(prefix, template);
    }

    private static string? PrefixProblem(string prefix)
    {
        if (prefix.AsSpan().IndexOfAnyExcept(PrefixCharacters) is var bad and >= 0)
        {
            return $"may only contain letters, digits, '.', '_', '-' and '/' between segments, not {Describe(prefix[bad])} (character {bad + 1})";
        }

        var segments = prefix.Split('/');
        if (prefix.Length > 0 && segments.Any(segment => segment is "" or "." or ".."))
        {
            return "must not contain empty, '.' or '..' segments";
        }

        return segments.FirstOrDefault(segment => segment.Length > NameLimits.MaxSegmentBytes) is { } tooLong
            ? $"has a segment of {tooLong.Length} bytes; the limit is {NameLimits.MaxSegmentBytes} (a directory name in a local file system)"
            : null;
    }

    // The longest name and key of any format and any source's stream extension, so neither a change of pipeline mode nor
    // of source ever makes a valid spec invalid.
    private void CheckLengths(string prefix, string template, string jobName, YamlNode prefixNode, YamlNode templateNode)
    {
        var longestName = ArtifactNames.Render(template, jobName, DateTimeOffset.UnixEpoch) + ArtifactNames.LongestObjectSuffix;
        var longestKey = ArtifactNames.Key(prefix, longestName);
        if (Encoding.UTF8.GetByteCount(longestName) is var nameBytes and > NameLimits.MaxFileNameBytes)
        {
            _problems.Add($"{At(templateNode.Start)}: artifact.name makes object names of up to {nameBytes} bytes ('{longestName}'); the limit is {NameLimits.MaxFileNameBytes} (a file name in a local file system is at most 255 bytes, and a storage may write under a longer temporary name first)");
        }
        else if (Encoding.UTF8.GetByteCount(longestKey) is var keyBytes and > NameLimits.MaxKeyBytes)
        {
            _problems.Add($"{At(prefixNode.Start)}: artifact.prefix makes object keys of up to {keyBytes} bytes ('<prefix>/{longestName}'); the limit is {NameLimits.MaxKeyBytes} (S3 and GCS take 1024 bytes, Azure 1024 characters)");
        }
    }

    private string? ReadTempDirectory(YamlMappingNode root)
    {
        var directory = OptionalScalar(root, "tempDirectory", "tempDirectory");
        if (string.IsNullOrWhiteSpace(directory))
        {
            return null;
        }

        // A path with NUL fails only when the run creates its directory; a newline would split the log lines naming it.
        if (directory.AsSpan().IndexOfAny(ControlCharacters) is var bad and >= 0)
        {
            _problems.Add($"{At(Child(root, "tempDirectory")!.Start)}: tempDirectory must not contain control characters, not {Describe(directory[bad])} (character {bad + 1})");
        }

        return directory;
    }

    // A character as the user can read it in a one-line message: control characters by code point.
    private static string Describe(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? Describe(c) : c.ToString()));
}
