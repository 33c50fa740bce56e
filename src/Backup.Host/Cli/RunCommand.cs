using Backup.Host.Monitoring;
using System.CommandLine;
using Backup.Host.Pipeline;
using Backup.Host.Retention;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary><c>backup run --spec job.yaml</c>: runs one backup.</summary>
internal static class RunCommand
{
    /// <summary>Creates the command; its outcome goes to <paramref name="recorder"/>.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error, OutcomeRecorder recorder)
    {
        var spec = GlobalOptions.Spec();
        var command = new Command("run", "Runs one backup as described by the spec; exit code 0 when it is stored completely.") { spec };
        command.SetAction(CommandAction.Create(options, error, "the backup was cancelled; temporary files were removed and nothing complete was stored", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory, recorder);

            // Made before the backup runs: a retention section the storage cannot honour is a spec error, not a surprise after the upload.
            var retention = job.Spec.Retention is null ? null : Capabilities.RetentionEnforcer(job, loggerFactory);

            // Before the source starts: a missing bucket or a refused key costs seconds, not a whole dump.
            await StoragePreflight.CheckAsync(job, loggerFactory.CreateLogger("Backup.Run"), cancellationToken);
            var outcome = await new BackupRunner(loggerFactory, TimeProvider.System, options.Status).RunAsync(job, cancellationToken);
            recorder.Backup(outcome.BackupId, job.Storage.WhereIs(outcome.ArchiveKey), outcome.Archive.Size, outcome.SourceBytes, outcome.Node);
            output.WriteLine($"{outcome.BackupId} {job.Storage.WhereIs(outcome.ArchiveKey)} {outcome.Archive.Size} {outcome.Archive.Sha1}");
            if (retention is not null)
            {
                options.Status.Enter("retention");
            }

            return retention is null ? ExitCodes.Success : await ApplyRetentionAsync(retention, job.Spec.Retention!, outcome.BackupId, error, parseResult.GetValue(options.Verbose), recorder, cancellationToken);
        }, ("run", recorder)));
        return command;
    }

    /// <summary>Runs retention after a successful backup, never touching that backup; its failure is reported but the backup stays stored.</summary>
    private static async Task<int> ApplyRetentionAsync(RetentionEnforcer retention, RetentionPolicy policy, string backupId, TextWriter error, bool verbose, OutcomeRecorder recorder, CancellationToken cancellationToken)
    {
        try
        {
            await retention.ApplyAsync(policy, protectedId: backupId, dryRun: false, cancellationToken);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            recorder.Failed($"retention was cancelled; backup {backupId} is stored");
            error.WriteLine($"error: retention was cancelled; backup {backupId} is stored");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            var code = ErrorReporter.Report(ex, error, verbose, recorder);
            error.WriteLine($"error: backup {backupId} is stored; only retention failed");
            return code;
        }
    }
}
