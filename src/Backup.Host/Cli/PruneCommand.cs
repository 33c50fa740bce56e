using Backup.Host.Monitoring;
using System.CommandLine;
using System.Globalization;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary><c>backup prune --spec job.yaml [--dry-run]</c>: applies the spec's retention policy to the job's backups.</summary>
internal static class PruneCommand
{
    /// <summary>Creates the command; its outcome goes to <paramref name="recorder"/>.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error, OutcomeRecorder recorder)
    {
        var spec = GlobalOptions.Spec();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only print what would be kept and removed." };
        var command = new Command("prune", "Removes the job's backups its retention policy does not keep (restic 'forget' semantics); objects not named by the job's template are never touched.")
        {
            spec, dryRun,
        };
        command.SetAction(CommandAction.Create(options, error, "prune was cancelled; a backup being removed may be left incomplete (the next prune removes it)", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory, recorder);
            var policy = job.Spec.Retention
                ?? throw new BackupSettingsException($"{job.Spec.FilePath}: the spec has no retention section, so prune keeps everything; add one (keepLast, keepDaily, keepWeekly, keepMonthly)");
            options.Status.Enter("prune");
            if (!parseResult.GetValue(dryRun))
            {
                // A killed run's directory (a partial raw dump) would otherwise wait for the job's next run.
                TempWorkspace.RemoveDead(TempWorkspace.ParentFor(job.Spec), job.Spec.Name, loggerFactory.CreateLogger("Backup.Prune"));
            }

            var decisions = await Capabilities.RetentionEnforcer(job, loggerFactory).ApplyAsync(policy, protectedId: null, parseResult.GetValue(dryRun), cancellationToken);
            var verb = parseResult.GetValue(dryRun) ? "would remove" : "removed";
            foreach (var decision in decisions)
            {
                var time = decision.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                output.WriteLine($"{(decision.Keep ? "keep" : verb),-12} {decision.Id}  {time}  {string.Join(", ", decision.Reasons)}");
            }

            return ExitCodes.Success;
        }, ("prune", recorder)));
        return command;
    }
}
