using Backup.Abstractions;
using Backup.Host.Pipeline;
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
        var planned = RetentionPlanner.Plan(backups.Values.Select(b => new RetentionCandidate(b.Id, b.Timestamp, b.IsComplete, b.IsFutureDated)), policy, protectedId);
        var decisions = RetentionPlanner.KeepBases(planned, await BasesOfKeptAsync(planned, backups, cancellationToken));
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

    // Reads the manifests of the kept backups, and of every backup they build on, for their bases (one small GET each;
    // the rules alone never read manifests). A kept backup whose manifest exists but cannot be read or parsed stops
    // retention: it may be an increment, and removing its base would make it worthless. JSON without a basedOn (also
    // one without any of this host's fields) is a full backup.
    private async Task<IReadOnlyDictionary<string, string>> BasesOfKeptAsync(
        IReadOnlyList<RetentionDecision> decisions, IReadOnlyDictionary<string, StoredBackup> backups, CancellationToken cancellationToken)
    {
        var basedOn = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Queue<string>(decisions.Where(d => d.Keep).Select(d => d.Id));
        var seen = new HashSet<string>(pending, StringComparer.Ordinal);
        while (pending.TryDequeue(out var id))
        {
            if (!backups.TryGetValue(id, out var backup) || backup.ManifestKey is null)
            {
                continue;
            }

            if (await BasedOnAsync(backup, cancellationToken) is { } parent)
            {
                basedOn[id] = parent;
                if (seen.Add(parent))
                {
                    pending.Enqueue(parent);
                }
            }
        }

        return basedOn;
    }

    private async Task<string?> BasedOnAsync(StoredBackup backup, CancellationToken cancellationToken)
    {
        var cannot = $"retention: cannot read the manifest of kept backup {backup.Id}, so it cannot tell which backups {backup.Id} builds on; nothing was removed";
        try
        {
            await using var stream = await inventory.Storage.OpenReadAsync(backup.ManifestKey!, cancellationToken);
            return (await BackupManifest.ReadAsync(stream, cancellationToken))?.BasedOn;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            throw new BackupIntegrityException($"{cannot} ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new BackupStorageException($"{cannot} ({ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }
}
