using System.CommandLine;
using Backup.Host.Plugins;
using Backup.Host.Spec;

namespace Backup.Host.Cli;

/// <summary><c>backup validate --spec job.yaml</c>: checks the spec and that its plugins load and accept their settings; runs nothing.</summary>
internal static class ValidateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var spec = GlobalOptions.Spec();
        var command = new Command("validate", "Checks the spec and its plugins' settings without touching any database or storage.") { spec };
        command.SetAction(parseResult =>
        {
            var verbose = parseResult.GetValue(options.Verbose);
            using var loggerFactory = HostLogging.Create(verbose);
            try
            {
                var jobSpec = new SpecLoader().Load(parseResult.GetValue(spec)!);
                var catalog = PluginCatalog.Load(PluginCatalog.ResolveDirectory(parseResult.GetValue(options.PluginsDirectory)));
                var job = JobFactory.Create(jobSpec, catalog, loggerFactory);
                output.WriteLine($"{jobSpec.FilePath}: job '{jobSpec.Name}' is valid: {jobSpec.Source.Plugin} -> {jobSpec.Storage.Plugin} ({job.Storage.Location}) under '{jobSpec.Artifact.Prefix}/'");
                return ExitCodes.Success;
            }
            catch (Exception ex)
            {
                return ErrorReporter.Report(ex, error, verbose);
            }
        });
        return command;
    }
}
