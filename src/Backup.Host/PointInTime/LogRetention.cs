using Backup.Abstractions;
using Backup.Host.Retention;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.PointInTime;

/// <summary>Prunes archived binlogs together with the backups: a file goes when every transaction in it is older than the oldest kept backup's log position, so no kept backup ever needs it.</summary>
/// <remarks>
/// With no kept backup that recorded a position (seed layout, or a server without binlog) nothing is pruned: which
/// files a future restore needs is then unknown.
/// </remarks>
internal sealed class LogRetention(LogArchive archive, IDeletableBackupStorage storage, ILogReplayingSource source, BackupInventory inventory, ILogger logger)
{
    /// <summary>Decides (and unless <paramref name="dryRun"/> deletes) for every archived file, given the backups retention keeps.</summary>
    public async Task<IReadOnlyList<RetentionDecision>> ApplyAsync(IReadOnlyList<StoredBackup> kept, bool dryRun, CancellationToken cancellationToken)
    {
        var listing = await archive.ListAsync(cancellationToken);
        var all = listing.Indexes.Concat(listing.Missing).ToList();
        if (all.Count == 0)
        {
            return [];
        }

        var stream = all[0].First.Stream;
        LogPosition? oldest = null;
        foreach (var backup in kept.Where(b => b.IsComplete))
        {
            var manifest = await inventory.ReadManifestAsync(backup, cancellationToken);
            var position = manifest is null ? null : manifest.LogPositionsFor(source).FirstOrDefault(p => p.Stream == stream);
            if (position is not null && (oldest is null || position.Sequence < oldest.Sequence))
            {
                oldest = position;
            }
        }

        var decisions = new List<RetentionDecision>();
        foreach (var index in all.OrderByDescending(i => i.Last.Sequence))
        {
            var keep = oldest is null || index.First.Stream != stream || index.Last.Sequence > oldest.Sequence;
            var reason = oldest is null
                ? "binlog; no kept backup recorded a log position, so every binlog is kept"
                : keep ? $"binlog; holds transactions after {oldest}, the oldest kept backup's position" : $"binlog; every transaction in it is at or before {oldest}, the oldest kept backup's position";
            decisions.Add(new RetentionDecision($"{LogArchive.Folder}/{Path.GetFileName(index.DataKey)}", index.LastEventTime, keep, [reason]));
            if (!keep && !dryRun)
            {
                await archive.DeleteAsync(storage, index, cancellationToken);
                logger.LogInformation("Removed archived binlog {Key} ({First} .. {Last})", index.DataKey, index.First, index.Last);
            }
        }

        return decisions;
    }
}
