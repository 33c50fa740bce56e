using Backup.Abstractions;
using Backup.Host.Retention;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Backup.Host.Spec;

/// <summary>Reads a job spec file: YAML syntax, known keys, required settings and <c>${VAR}</c> substitution, every problem at once.</summary>
/// <remarks>
/// Walks YamlDotNet's node model rather than deserializing into classes, so every problem can name its
/// file, line and column, unknown keys are errors (a typo must not silently drop a setting), and
/// substitution happens per scalar value after parsing.
/// </remarks>
internal sealed partial class SpecLoader(Func<string, string?> environment)
{
    private static readonly string[] TopLevelKeys = ["name", "source", "storage", "artifact", "tempDirectory", "retention", "pipeline", "encryption", "metrics", "notify", "incremental"];
    private static readonly string[] PluginKeys = ["plugin", "settings"];
    private static readonly string[] ArtifactKeys = ["prefix", "name"];
    private static readonly string[] RetentionKeys = ["keepLast", "keepDaily", "keepWeekly", "keepMonthly"];
    private static readonly string[] PipelineKeys = ["mode", "compression", "level", "threads", "blockSizeMiB", "archiveChunkMiB", "stallTimeoutSeconds", "timeoutSeconds", "progressIntervalSeconds"];

    private readonly List<string> _problems = [];
    private string _file = "";

    /// <summary>The job's name as far as it was read, also when the spec has other problems (so log records of a failed run name the job); null before.</summary>
    public string? Name { get; private set; }

    /// <summary>Creates a loader that substitutes from the process environment.</summary>
    public SpecLoader()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>Loads and validates the spec at <paramref name="path"/>; throws <see cref="BackupSettingsException"/> listing every problem.</summary>
    public JobSpec Load(string path)
    {
        _file = path;
        return Parse(SpecFile.Read(path));
    }

    /// <summary>Parses spec text; <paramref name="fileName"/> is used in messages.</summary>
    public JobSpec Parse(string text, string fileName)
    {
        _file = fileName;
        return Parse(text);
    }

    private JobSpec Parse(string text)
    {
        var root = LoadRoot(text);
        CheckKeys(root, "", TopLevelKeys);
        var name = RequiredScalar(root, "name", "name");
        Name = name.Length > 0 ? name : null;
        var source = ReadPlugin(root, "source");
        var storage = ReadPlugin(root, "storage");
        var artifact = ReadArtifact(root, name, CheckName(root, name));
        var tempDirectory = ReadTempDirectory(root);
        var retention = ReadRetention(root);
        var pipeline = ReadPipeline(root);
        var encryption = ReadEncryption(root);
        var metrics = ReadMetrics(root);
        var notify = ReadNotify(root);
        var incremental = ReadIncremental(root, encrypted: Child(root, "encryption") is not null);

        if (_problems.Count > 0)
        {
            throw new BackupSettingsException(_problems);
        }

        return new JobSpec(name, source!, storage!, artifact, tempDirectory, _file, retention, pipeline, encryption) { Metrics = metrics, Notify = notify, PipelineModeLocation = PipelineModeLocation(root), Incremental = incremental };
    }

    private PluginSpec? ReadPlugin(YamlMappingNode root, string section)
    {
        if (Child(root, section) is not { } node)
        {
            _problems.Add($"{_file}: {section} is required (a plugin name and its settings)");
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            _problems.Add($"{At(node.Start)}: {section} must be a mapping with 'plugin' and 'settings'");
            return null;
        }

        CheckKeys(mapping, section + ".", PluginKeys);
        var plugin = RequiredScalar(mapping, "plugin", $"{section}.plugin");
        var pluginLocation = Child(mapping, "plugin") is { } p ? At(p.Start) : At(mapping.Start);
        var settingsNode = Child(mapping, "settings");
        var settings = settingsNode switch
        {
            null => PluginSettings.Empty($"{section}.settings", At(mapping.Start)),
            YamlScalarNode { Value: null or "" } => PluginSettings.Empty($"{section}.settings", At(settingsNode.Start)),
            YamlMappingNode m => ToSettings(m, $"{section}.settings"),
            _ => Problem(settingsNode, $"{section}.settings must be a mapping", PluginSettings.Empty($"{section}.settings", At(settingsNode.Start))),
        };
        return new PluginSpec(section, plugin, pluginLocation, settings);
    }

    private RetentionPolicy? ReadRetention(YamlMappingNode root)
    {
        if (Child(root, "retention") is not { } node)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            return Problem<RetentionPolicy?>(node, $"retention must be a mapping with any of {string.Join(", ", RetentionKeys)}", null);
        }

        CheckKeys(mapping, "retention.", RetentionKeys);
        var counts = RetentionKeys.Select(key => Count(mapping, key)).ToArray();
        var policy = new RetentionPolicy(counts[0], counts[1], counts[2], counts[3]);
        if (counts.All(c => c == 0))
        {
            // An empty policy would keep nothing; restic refuses it too.
            _problems.Add($"{At(mapping.Start)}: retention must keep something: set at least one of {string.Join(", ", RetentionKeys)} above 0 (or remove the section to keep every backup)");
        }

        return policy;
    }

    private int Count(YamlMappingNode mapping, string key)
    {
        var text = OptionalScalar(mapping, key, $"retention.{key}");
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            return count;
        }

        _problems.Add($"{At(Child(mapping, key)!.Start)}: retention.{key} must be a whole number of 0 or more, not '{text}'");
        return -1;
    }

    private PluginSettings ToSettings(YamlMappingNode mapping, string path)
    {
        var values = new List<SettingValue>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (KeyOf(keyNode, path) is not { } key)
            {
                continue;
            }

            var location = At(valueNode.Start);
            object? value = valueNode switch
            {
                YamlScalarNode scalar => Substitute(scalar, $"{path}.{key}"),
                YamlSequenceNode sequence => ToList(sequence, $"{path}.{key}"),
                YamlMappingNode nested => ToSettings(nested, $"{path}.{key}"),
                _ => null,
            };
            if (value is not null)
            {
                values.Add(new SettingValue(key, value, location));
            }
        }

        return new PluginSettings(path, At(mapping.Start), values);
    }

    private List<string> ToList(YamlSequenceNode sequence, string path)
    {
        var items = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode scalar)
            {
                items.Add(Substitute(scalar, path));
            }
            else
            {
                _problems.Add($"{At(item.Start)}: {path} must be a list of plain values");
            }
        }

        return items;
    }

    private void CheckKeys(YamlMappingNode mapping, string pathPrefix, string[] known)
    {
        foreach (var keyNode in mapping.Children.Keys)
        {
            if (KeyOf(keyNode, pathPrefix.Length == 0 ? "the spec" : pathPrefix.TrimEnd('.')) is { } key && !known.Contains(key, StringComparer.Ordinal))
            {
                _problems.Add($"{At(keyNode.Start)}: unknown key '{pathPrefix}{key}' (expected one of: {string.Join(", ", known)})");
            }
        }
    }

    // YAML allows a list or a mapping as a key; a spec has no use for one, and the plugins read keys as names.
    private string? KeyOf(YamlNode keyNode, string path)
    {
        if (keyNode is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        _problems.Add($"{At(keyNode.Start)}: {path} has a key that is not a plain name (a key is a name, not a list or mapping)");
        return null;
    }

    private string RequiredScalar(YamlMappingNode mapping, string key, string path)
    {
        var value = OptionalScalar(mapping, key, path);
        if (string.IsNullOrWhiteSpace(value))
        {
            var where = Child(mapping, key)?.Start ?? mapping.Start;
            _problems.Add($"{At(where)}: {path} is required");
            return "";
        }

        return value.Trim();
    }

    private string? OptionalScalar(YamlMappingNode mapping, string key, string path) =>
        Child(mapping, key) switch
        {
            null => null,
            YamlScalarNode scalar => Substitute(scalar, path),
            var other => Problem<string?>(other, $"{path} must be a single value", null),
        };

    private string Substitute(YamlScalarNode scalar, string path)
    {
        var value = EnvironmentSubstitution.Substitute(scalar.Value ?? "", environment, out var problems);
        _problems.AddRange(problems.Select(problem => $"{At(scalar.Start)}: {path}: {problem}"));

        return value;
    }

    private T Problem<T>(YamlNode node, string message, T fallback)
    {
        _problems.Add($"{At(node.Start)}: {message}");
        return fallback;
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private string At(Mark mark) => $"{_file}:{mark.Line}:{mark.Column}";

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
