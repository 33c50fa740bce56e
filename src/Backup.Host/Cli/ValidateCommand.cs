using System.CommandLine;
using Backup.Host.Pipeline;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary><c>backup validate --spec job.yaml [--online]</c>: checks the spec and that its plugins load and accept their settings; runs nothing.</summary>
internal static class ValidateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var spec = GlobalOptions.Spec();
        var online = new Option<bool>("--online")
        {
            Description = "Also run the storage's pre-flight check (reachable, container exists, credentials accepted), as 'run' does before the source starts.",
        };
        var command = new Command("validate", "Checks the spec and its plugins' settings without touching any database or storage (unless --online).") { spec, online };
        command.SetAction(CommandAction.Create(options, error, "validate was cancelled", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory);
            var jobSpec = job.Spec;
            var checkedOnline = "";
            if (parseResult.GetValue(online))
            {
                checkedOnline = await StoragePreflight.CheckAsync(job, loggerFactory.CreateLogger("Backup.Validate"), cancellationToken)
                    ? "; storage pre-flight check passed"
                    : $"; storage plugin '{jobSpec.Storage.Plugin}' has no pre-flight check, so the storage was not contacted";
            }

            output.WriteLine($"{jobSpec.FilePath}: job '{jobSpec.Name}' is valid: {jobSpec.Source.Plugin} -> {jobSpec.Storage.Plugin} ({job.Storage.Location}) under '{jobSpec.Artifact.Prefix}/'{checkedOnline}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
