using Backup.Abstractions;

namespace Backup.Testing;

/// <summary>Builds <see cref="PluginSettings"/> from literals, as the host builds them from a spec.</summary>
/// <remarks>Values: a string, a string array/list (sequence) or a nested dictionary (mapping).</remarks>
public static class SettingsBuilder
{
    /// <summary>Creates a section at <paramref name="path"/> with fake locations (<c>test.yaml:N:1</c>).</summary>
    public static PluginSettings From(IReadOnlyDictionary<string, object> values, string path = "source.settings")
    {
        var line = 1;
        return Build(values, path, ref line);
    }

    private static PluginSettings Build(IReadOnlyDictionary<string, object> values, string path, ref int line)
    {
        var location = $"test.yaml:{line}:1";
        var settings = new List<SettingValue>();
        foreach (var (key, value) in values)
        {
            line++;
            var valueLocation = $"test.yaml:{line}:1";
            object converted = value switch
            {
                string s => s,
                IReadOnlyDictionary<string, object> nested => Build(nested, $"{path}.{key}", ref line),
                IEnumerable<string> list => list.ToList(),
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
            };
            settings.Add(new SettingValue(key, converted, valueLocation));
        }

        return new PluginSettings(path, location, settings);
    }
}
