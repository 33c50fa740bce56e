using System.CommandLine;
using Backup.Host.Plugins;

namespace Backup.Host.Cli;

/// <summary>Options every command accepts.</summary>
internal sealed class GlobalOptions
{
    /// <summary>Where plugins are found.</summary>
    public Option<string?> PluginsDirectory { get; } = new("--plugins-dir")
    {
        Description = $"Directory holding <Name>/<Name>.dll plugin folders (default: ${PluginCatalog.DirectoryVariable}, else 'plugins' beside the executable).",
        Recursive = true,
    };

    /// <summary>Debug logging and stack traces on errors.</summary>
    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log debug messages and print stack traces of errors.",
        Recursive = true,
    };

    /// <summary>Adds the options to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root)
    {
        root.Options.Add(PluginsDirectory);
        root.Options.Add(Verbose);
    }

    /// <summary>Creates the <c>--spec</c> option a command requires.</summary>
    public static Option<string> Spec() => new("--spec", "-s")
    {
        Description = "Path of the YAML job spec.",
        Required = true,
    };
}
