using System.CommandLine;

namespace Backup.Host.Cli;

/// <summary><c>backup validate --spec job.yaml</c>: checks the spec and that its plugins load and accept their settings; runs nothing.</summary>
internal static class ValidateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var spec = GlobalOptions.Spec();
        var command = new Command("validate", "Checks the spec and its plugins' settings without touching any database or storage.") { spec };
        command.SetAction(CommandAction.Create(options, error, "validate was cancelled", (parseResult, loggerFactory, _) =>
        {
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory);
            var jobSpec = job.Spec;
            output.WriteLine($"{jobSpec.FilePath}: job '{jobSpec.Name}' is valid: {jobSpec.Source.Plugin} -> {jobSpec.Storage.Plugin} ({job.Storage.Location}) under '{jobSpec.Artifact.Prefix}/'");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
