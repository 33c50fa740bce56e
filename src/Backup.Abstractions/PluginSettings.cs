using System.Globalization;

namespace Backup.Abstractions;

/// <summary>A plugin's section of the job spec: typed getters that collect problems instead of throwing one at a time.</summary>
/// <remarks>
/// Getters never throw: a missing required setting or a value of the wrong type is recorded in
/// <see cref="Problems"/> and a default is returned, so a plugin can read all its settings and the user sees
/// every mistake at once. The host checks <see cref="Problems"/> and <see cref="UnreadKeys"/> after the plugin's
/// <c>Create*</c> method returns and reports them as one line each, so a typo in a key is never silently ignored.
/// Not thread-safe: read settings from one thread while creating the plugin.
/// </remarks>
public sealed partial class PluginSettings
{
    private readonly Dictionary<string, SettingValue> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    /// <summary>Creates a section; the host does this from the spec, tests from literals.</summary>
    /// <param name="path">The section's dotted path in the spec, e.g. <c>storage.settings</c>.</param>
    /// <param name="location">Where the section starts, e.g. <c>job.yaml:9:3</c>.</param>
    /// <param name="values">The section's settings.</param>
    public PluginSettings(string path, string location, IEnumerable<SettingValue> values)
    {
        Path = path;
        Location = location;
        _values = values.ToDictionary(v => v.Key, StringComparer.Ordinal);
    }

    /// <summary>An empty section, for plugins configured without settings.</summary>
    public static PluginSettings Empty(string path, string location) => new(path, location, []);

    /// <summary>The section's dotted path in the spec, e.g. <c>storage.settings</c>.</summary>
    public string Path { get; }

    /// <summary>Where the section starts in the spec, e.g. <c>job.yaml:9:3</c>.</summary>
    public string Location { get; }

    /// <summary>The keys present in this section.</summary>
    public IReadOnlyCollection<string> Keys => _values.Keys;

    /// <summary>Every problem recorded so far, here and in nested sections that were read, one line each.</summary>
    public IReadOnlyList<string> Problems =>
        [.. _problems, .. ReadSections().SelectMany(s => s.Problems)];

    /// <summary>Keys present in the spec that the plugin never read (typos, unsupported settings), as dotted paths with locations.</summary>
    public IReadOnlyList<string> UnreadKeys =>
        [
            .. _values.Values.Where(v => !_read.Contains(v.Key)).Select(v => $"{v.Location}: {Path}.{v.Key}"),
            .. ReadSections().SelectMany(s => s.UnreadKeys),
        ];

    /// <summary>Whether <paramref name="key"/> is present (marks it as read).</summary>
    public bool Contains(string key)
    {
        _read.Add(key);
        return _values.ContainsKey(key);
    }

    /// <summary>A scalar setting, or <paramref name="defaultValue"/> when absent.</summary>
    public string? GetString(string key, string? defaultValue = null) =>
        TryGet(key, out var value) ? AsScalar(value) ?? defaultValue : defaultValue;

    /// <summary>A scalar setting that must be present and not blank; records a problem otherwise and returns an empty string.</summary>
    public string GetRequiredString(string key)
    {
        var value = GetString(key);
        if (string.IsNullOrWhiteSpace(value))
        {
            AddProblem(key, "is required");
            return string.Empty;
        }

        return value;
    }

    /// <summary>An integer setting, or <paramref name="defaultValue"/> when absent.</summary>
    public long GetInt64(string key, long defaultValue) =>
        GetParsed(key, defaultValue, "an integer", s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    /// <summary>An integer setting, or <paramref name="defaultValue"/> when absent.</summary>
    public int GetInt32(string key, int defaultValue) =>
        GetParsed(key, defaultValue, "an integer", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    /// <summary>A boolean setting (<c>true</c>/<c>false</c>), or <paramref name="defaultValue"/> when absent.</summary>
    public bool GetBoolean(string key, bool defaultValue) =>
        GetParsed(key, defaultValue, "true or false", s => bool.TryParse(s, out var v) ? v : null);

    /// <summary>A sequence of scalars; a single scalar counts as a one-item list; empty when absent.</summary>
    public IReadOnlyList<string> GetStringList(string key)
    {
        if (!TryGet(key, out var value))
        {
            return [];
        }

        return value.Value switch
        {
            IReadOnlyList<string> list => list,
            string s => [s],
            _ => Fail<IReadOnlyList<string>>(value, "must be a list of values", []),
        };
    }

    /// <summary>A nested mapping, or <see langword="null"/> when absent; its problems and unread keys roll up into this section's.</summary>
    public PluginSettings? GetSection(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }

        return value.Value as PluginSettings ?? Fail<PluginSettings?>(value, "must be a mapping of settings", null);
    }

    /// <summary>Records a problem with <paramref name="key"/> that only the plugin can judge (e.g. two settings that exclude each other).</summary>
    public void AddProblem(string key, string message)
    {
        var location = _values.TryGetValue(key, out var value) ? value.Location : Location;
        _problems.Add($"{location}: {Path}.{key} {message}");
    }

    /// <summary>Throws <see cref="BackupSettingsException"/> when any problem was recorded.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Problems;
        if (problems.Count > 0)
        {
            throw new BackupSettingsException(problems);
        }
    }

    private bool TryGet(string key, out SettingValue value)
    {
        _read.Add(key);
        return _values.TryGetValue(key, out value!);
    }

    private string? AsScalar(SettingValue value) =>
        value.Value as string ?? Fail<string?>(value, "must be a single value", null);

    private T GetParsed<T>(string key, T defaultValue, string expected, Func<string, T?> parse)
        where T : struct
    {
        var text = GetString(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (parse(text.Trim()) is { } parsed)
        {
            return parsed;
        }

        AddProblem(key, $"must be {expected}, not '{text}'");
        return defaultValue;
    }

    private T Fail<T>(SettingValue value, string message, T fallback)
    {
        _problems.Add($"{value.Location}: {Path}.{value.Key} {message}");
        return fallback;
    }

    private IEnumerable<PluginSettings> ReadSections() =>
        _values.Values.Where(v => _read.Contains(v.Key)).Select(v => v.Value).OfType<PluginSettings>();
}
