using System.Globalization;

namespace Backup.Abstractions;

/// <summary>Getters that also check a value's shape, so every plugin words the same mistake the same way (contract 1.3).</summary>
public sealed partial class PluginSettings
{
    /// <summary>An integer from <paramref name="minimum"/> to <paramref name="maximum"/>, or <paramref name="defaultValue"/> when absent or blank.</summary>
    /// <remarks>A value outside the range is a problem (<c>must be between 1 and 16, not 20</c>; <c>must be at least 1</c> when
    /// <paramref name="maximum"/> is <see cref="int.MaxValue"/>) and yields <paramref name="defaultValue"/>, which itself is not checked:
    /// a default outside the range (e.g. 0 for "choose for me") tells the caller the setting was not given.</remarks>
    public int GetInt32(string key, int defaultValue, int minimum, int maximum)
    {
        var text = GetString(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            AddProblem(key, $"must be an integer, not '{text}'");
            return defaultValue;
        }

        if (value < minimum || value > maximum)
        {
            AddProblem(key, maximum == int.MaxValue ? $"must be at least {minimum}, not {value}" : $"must be between {minimum} and {maximum}, not {value}");
            return defaultValue;
        }

        return value;
    }

    /// <summary>One of <paramref name="choices"/>, matched ignoring case and returned as spelled there, or <paramref name="defaultValue"/> when absent or blank.</summary>
    /// <remarks>Anything else is a problem listing the choices (<c>must be one of Hot, Cool, not 'Frozen'</c>) and yields <paramref name="defaultValue"/>.</remarks>
    public string? GetChoice(string key, IReadOnlyCollection<string> choices, string? defaultValue = null)
    {
        var text = GetString(key)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return defaultValue;
        }

        if (choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) is { } choice)
        {
            return choice;
        }

        AddProblem(key, $"must be one of {string.Join(", ", choices)}, not '{text}'");
        return defaultValue;
    }

    /// <summary>An absolute <c>http://</c> or <c>https://</c> URL, or <see langword="null"/> when absent or blank (or not such a URL, which is a problem).</summary>
    public Uri? GetHttpUrl(string key)
    {
        var text = GetString(key)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return url;
        }

        AddProblem(key, $"must be an http:// or https:// URL, not '{text}'");
        return null;
    }

    /// <summary>An entry name the host accepts (<see cref="BackupEntryName.IsValid"/>), or <paramref name="defaultValue"/> when absent or blank.</summary>
    /// <remarks>Checked here so that <c>backup validate</c> refuses a name the host would refuse only when the backup runs.</remarks>
    public string GetEntryName(string key, string defaultValue)
    {
        var name = GetString(key)?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return defaultValue;
        }

        if (!BackupEntryName.IsValid(name))
        {
            AddProblem(key, $"must be a plain file name of letters, digits, '.', '_' and '-' (not '{BackupEntryName.Reserved}'), not '{name}'");
        }

        return name;
    }

    /// <summary>A required absolute path (a file or directory the plugin uses later); records a problem when absent or relative.</summary>
    /// <remarks>Nothing is looked up: <c>backup validate</c> may run on another machine than the backup.</remarks>
    public string GetRequiredAbsolutePath(string key)
    {
        var path = GetRequiredString(key);
        if (path.Length > 0 && !System.IO.Path.IsPathFullyQualified(path))
        {
            AddProblem(key, $"must be an absolute path, not '{path}'");
        }

        return path;
    }

    /// <summary>Where a secret is, read from a mapping that names exactly one place: <c>{ env: VARIABLE }</c> or <c>{ file: /path }</c>.</summary>
    /// <param name="key">The setting, e.g. <c>password</c>.</param>
    /// <param name="otherPlaces">Further places the plugin itself reads (e.g. <c>kubernetesSecret</c>), named in messages.</param>
    /// <returns>The secret's place; <see langword="null"/> when the setting is absent, invalid (a problem is recorded), or names one of
    /// <paramref name="otherPlaces"/>, which the caller then reads from <c>GetSection(key)</c>.</returns>
    /// <remarks>A secret is never written into the spec: a spec is checked in and quoted in messages.</remarks>
    public SecretReference? GetSecret(string key, params IReadOnlyList<string> otherPlaces)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }

        string[] places = [.. otherPlaces, "file", "env"];
        var wanted = $"exactly one of {string.Join(", ", places[..^1])} or {places[^1]}";
        if (value.Value is not PluginSettings section)
        {
            _problems.Add($"{value.Location}: {Path}.{key} must be a mapping that sets {wanted} (a secret is never written in the spec)");
            return null;
        }

        // Contains marks each place as read, so a typo such as 'envv' still shows up as an unread key.
        var present = places.Where(section.Contains).ToList();
        if (present.Count != 1)
        {
            var found = present.Count == 0 ? "none" : string.Join(" and ", present);
            AddProblem(key, $"must set {wanted} (found {found})");
            return null;
        }

        var setting = $"{Path}.{key}";
        return present[0] switch
        {
            "env" when section.GetRequiredString("env") is { Length: > 0 } variable => SecretReference.FromEnvironment(setting, variable.Trim()),
            "file" when section.GetRequiredString("file") is { Length: > 0 } file => SecretReference.FromFile(setting, file.Trim()),
            _ => null,
        };
    }
}
