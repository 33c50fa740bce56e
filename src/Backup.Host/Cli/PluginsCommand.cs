using System.CommandLine;
using Backup.Host.Plugins;

namespace Backup.Host.Cli;

/// <summary><c>backup plugins</c>: lists the plugins found, loaded or not.</summary>
internal static class PluginsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var command = new Command("plugins", "Lists the plugins found: name, kind, version, contract version, path, and why any failed to load.");
        command.SetAction(parseResult =>
        {
            try
            {
                var catalog = PluginCatalog.Load(PluginCatalog.ResolveDirectory(parseResult.GetValue(options.PluginsDirectory)));
                output.WriteLine($"plugins in {catalog.Directory} (host contract {ContractStamp.HostVersion})");
                output.WriteLine($"{"NAME",-16} {"KIND",-8} {"VERSION",-10} {"CONTRACT",-9} PATH");
                foreach (var plugin in catalog.Plugins)
                {
                    var kind = plugin.Kind?.ToString().ToLowerInvariant() ?? "broken";
                    output.WriteLine($"{plugin.Name,-16} {kind,-8} {plugin.Version,-10} {plugin.AbstractionsVersion,-9} {plugin.AssemblyPath}");
                    if (plugin.Error is not null)
                    {
                        output.WriteLine($"{"",-16} error: {plugin.Error}");
                    }
                }

                return catalog.Plugins.Any(p => p.Error is not null) ? ExitCodes.PluginLoadFailed : ExitCodes.Success;
            }
            catch (Exception ex)
            {
                return ErrorReporter.Report(ex, error, parseResult.GetValue(options.Verbose));
            }
        });
        return command;
    }
}
