using System.CommandLine;
using System.Text.Json;
using Backup.Host.Plugins;

namespace Backup.Host.Cli;

/// <summary><c>backup plugins [--output json]</c>: lists the plugins found, loaded or not, their capabilities, and what in the directory was ignored and why.</summary>
/// <remarks>
/// Exit code: 0 when every folder of the plugins directory holds a plugin that loads; 3 when any plugin failed to load
/// or anything was ignored (the listing is printed in full either way), so an image build or CI step that runs
/// <c>backup plugins</c> catches a broken or misnamed plugin. Whether a given job can run is <c>backup validate</c>'s answer.
/// </remarks>
internal static class PluginsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var format = new Option<string>("--output", "-o") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command(
            "plugins",
            "Lists the plugins found: name, kind, version, contract version, capabilities, path, why any failed to load, and what in the directory was ignored. Exit 3 when any is broken or ignored.")
        {
            format,
        };
        command.SetAction(parseResult =>
        {
            try
            {
                var catalog = PluginCatalog.Open(PluginCatalog.ResolveDirectory(parseResult.GetValue(options.PluginsDirectory)));

                // Every plugin is loaded here (a job loads only its two): this command is the check that each one loads.
                var plugins = catalog.LoadAll();
                if (parseResult.GetValue(format) == "json")
                {
                    output.WriteLine(JsonSerializer.Serialize(PluginsListing.From(catalog, plugins, ContractStamp.HostVersion), Json));
                }
                else
                {
                    WriteTable(output, catalog, plugins);
                }

                return plugins.Any(p => p.Error is not null) || catalog.Ignored.Count > 0 ? ExitCodes.PluginLoadFailed : ExitCodes.Success;
            }
            catch (Exception ex)
            {
                return ErrorReporter.Report(ex, error, parseResult.GetValue(options.Verbose));
            }
        });
        return command;
    }

    private static string[] Row(PluginDescriptor p) =>
    [
        p.Name,
        p.Kind?.ToString().ToLowerInvariant() ?? "broken",
        p.Version,
        p.AbstractionsVersion,
        p.Capabilities.Count == 0 ? "-" : string.Join(',', p.Capabilities),
        p.AssemblyPath,
    ];

    private static void WriteTable(TextWriter output, PluginCatalog catalog, IReadOnlyList<PluginDescriptor> plugins)
    {
        output.WriteLine($"plugins in {catalog.Directory} (host contract {ContractStamp.HostVersion})");
        var rows = plugins.Select(Row).ToList();
        string[] header = ["NAME", "KIND", "VERSION", "CONTRACT", "CAPABILITIES", "PATH"];

        // Widths from the content: a long or broken plugin's name (its folder's) must not shift the columns after it.
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i])));
        output.WriteLine(Line(header));
        foreach (var (plugin, row) in plugins.Zip(rows))
        {
            output.WriteLine(Line(row));
            if (plugin.Error is not null)
            {
                output.WriteLine($"{"",-2}error: {plugin.Error}");
            }

            if (plugin.Note is not null)
            {
                output.WriteLine($"{"",-2}note: {plugin.Note}");
            }
        }

        foreach (var ignored in catalog.Ignored)
        {
            output.WriteLine($"ignored {ignored.Path}: {ignored.Reason}");
        }
    }
}
