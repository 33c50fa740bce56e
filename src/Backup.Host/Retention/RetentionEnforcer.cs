using Backup.Abstractions;
using Backup.Host.PointInTime;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Retention;

/// <summary>Applies a retention policy to a job's backups: plans with <see cref="RetentionPlanner"/>, then deletes what it does not keep, and the archived binlogs no kept backup needs.</summary>
internal sealed class RetentionEnforcer(BackupInventory inventory, IDeletableBackupStorage storage, ILogger logger, LogRetention? logs = null)
{
    /// <summary>Plans and, unless <paramref name="dryRun"/>, deletes every object of each backup not kept; returns the decisions, newest first.</summary>
    public async Task<IReadOnlyList<RetentionDecision>> ApplyAsync(RetentionPolicy policy, string? protectedId, bool dryRun, CancellationToken cancellationToken)
    {
        var backups = (await inventory.ListAsync(cancellationToken)).ToDictionary(b => b.Id, StringComparer.Ordinal);
        var decisions = RetentionPlanner.Plan(backups.Values.Select(b => new RetentionCandidate(b.Id, b.Timestamp, b.IsComplete, b.IsFutureDated)), policy, protectedId);
        var doomed = decisions.Where(d => !d.Keep).ToList();
        logger.LogInformation("Retention ({Policy}) over {Count} backup(s) in {Where}: keeping {Kept}, {Verb} {Removed}",
            policy, decisions.Count, inventory.Where, decisions.Count - doomed.Count, dryRun ? "would remove" : "removing", doomed.Count);
        var kept = decisions.Where(d => d.Keep).Select(d => backups[d.Id]).ToList();
        if (dryRun)
        {
            return logs is null ? decisions : [.. decisions, .. await logs.ApplyAsync(kept, dryRun, cancellationToken)];
        }

        foreach (var decision in doomed)
        {
            foreach (var key in backups[decision.Id].KeysInDeletionOrder)
            {
                try
                {
                    await storage.DeleteAsync(key, cancellationToken);
                }
                catch (Exception ex) when (ex is not BackupException and not OperationCanceledException)
                {
                    throw new BackupStorageException($"retention: cannot delete {storage.WhereIs(key)}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", ex);
                }
            }

            logger.LogInformation("Removed backup {BackupId} ({Reason})", decision.Id, string.Join(", ", decision.Reasons));
        }

        // Binlogs after the backups: a binlog is pruned only once the backups that needed it are gone.
        return logs is null ? decisions : [.. decisions, .. await logs.ApplyAsync(kept, dryRun, cancellationToken)];
    }
}
