using System.CommandLine;
using Backup.Host.Plugins;
using Backup.Host.Progress;

namespace Backup.Host.Cli;

/// <summary>Options every command accepts, and what every command shares with the console: the run's status and the terminal's live line.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The command's job, backup id and phase: progress and every JSON log record read it.</summary>
    public RunStatus Status { get; } = new(TimeProvider.System);

    /// <summary>The live status line when standard error is an interactive terminal; null otherwise (progress is logged as lines).</summary>
    public StatusLineWriter? Terminal { get; init; }

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
