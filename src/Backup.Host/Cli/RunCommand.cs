using System.CommandLine;
using Backup.Host.Pipeline;

namespace Backup.Host.Cli;

/// <summary><c>backup run --spec job.yaml</c>: runs one backup.</summary>
internal static class RunCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var spec = GlobalOptions.Spec();
        var command = new Command("run", "Runs one backup as described by the spec; exit code 0 when it is stored completely.") { spec };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var verbose = parseResult.GetValue(options.Verbose);
            using var loggerFactory = HostLogging.Create(verbose);
            try
            {
                var job = JobLoader.Load(parseResult, spec, options, loggerFactory);
                var outcome = await new BackupRunner(loggerFactory, TimeProvider.System).RunAsync(job, cancellationToken);
                output.WriteLine($"{outcome.BackupId} {job.Storage.Location}/{outcome.ArchiveKey} {outcome.Archive.Size} {outcome.Archive.Sha1}");
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                error.WriteLine("error: the backup was cancelled; temporary files were removed and nothing complete was stored");
                return ExitCodes.Interrupted;
            }
            catch (Exception ex)
            {
                return ErrorReporter.Report(ex, error, verbose);
            }
        });
        return command;
    }
}
