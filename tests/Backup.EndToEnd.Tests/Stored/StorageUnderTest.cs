using System.Text;
using Backup.Abstractions;
using Backup.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.EndToEnd.Tests.Stored;

/// <summary>A storage plugin as the stored-backup specs see it: the spec fragment the host gets, and the same plugin in-process for raw access.</summary>
/// <param name="Plugin">The plugin's name in the spec, e.g. <c>local</c>.</param>
/// <param name="AssemblyName">Its folder under the published host's <c>plugins/</c>, e.g. <c>Backup.Plugins.Local</c>.</param>
/// <param name="Settings">Its <c>settings</c> (string values or nested dictionaries), pointing at a real store or emulator.</param>
/// <param name="CreatePlugin">Creates the plugin's entry type, for raw reads, writes and deletes from the test.</param>
public sealed record StorageUnderTest(string Plugin, string AssemblyName, IReadOnlyDictionary<string, object> Settings, Func<IBackupStoragePlugin> CreatePlugin)
{
    /// <summary>The <c>storage:</c> section of a spec, indented for the top level.</summary>
    public string SpecSection()
    {
        var yaml = new StringBuilder($"storage:\n  plugin: {Plugin}\n  settings:\n");
        Render(yaml, Settings, "    ");
        return yaml.ToString();
    }

    /// <summary>The storage the host will use, created in-process through the plugin's own entry type.</summary>
    public IBackupStorage CreateStorage() =>
        CreatePlugin().CreateStorage(new PluginContext(SettingsBuilder.From(Settings, "storage.settings"), NullLoggerFactory.Instance));

    private static void Render(StringBuilder yaml, IReadOnlyDictionary<string, object> values, string indent)
    {
        foreach (var (key, value) in values)
        {
            if (value is IReadOnlyDictionary<string, object> nested)
            {
                yaml.Append($"{indent}{key}:\n");
                Render(yaml, nested, indent + "  ");
            }
            else
            {
                // Single-quoted YAML: only the quote itself needs escaping.
                yaml.Append($"{indent}{key}: '{Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!.Replace("'", "''", StringComparison.Ordinal)}'\n");
            }
        }
    }
}
