using System.Globalization;
using Backup.Abstractions;
using Backup.Host.Stored;

namespace Backup.Host.PointInTime;

/// <summary>Chooses what a point-in-time restore loads: the newest complete backup that recorded its log position before the target, and the archived files from there to the target.</summary>
internal sealed class PointInTimePlanner(BackupInventory backups, LogArchive logs, ILogReplayingSource source)
{
    /// <summary>The backup and the replay plan; one line naming the recoverable window when the target is outside it, or the gap when one is crossed and <paramref name="allowGaps"/> is off.</summary>
    public async Task<(StoredBackup Backup, LogPosition From, LogReplayPlan Plan)> PlanAsync(RecoveryTarget target, bool allowGaps, CancellationToken cancellationToken)
    {
        var listing = await logs.ListAsync(cancellationToken);
        var bases = await BasesAsync(listing, cancellationToken);
        var window = Window(bases, listing);
        var chosen = bases.FirstOrDefault(b => target.Position is { } p ? b.From.Stream == p.Stream && b.From.Sequence <= p.Sequence : b.ConsistentAt <= target.Time);
        if (chosen.Backup is null)
        {
            throw new BackupRestoreException($"{target} is outside the recoverable window ({window}): no complete backup with a recorded log position is older");
        }

        var plan = LogChain.Plan(listing.Indexes, chosen.From, target.Position, target.Time);
        if (!plan.Reached)
        {
            throw new BackupRestoreException($"{target} is outside the recoverable window ({window}): the archived binlogs in {logs.Where} end before it");
        }

        if (plan.Gaps.Count > 0 && !allowGaps)
        {
            throw new BackupIntegrityException(
                $"the archived binlogs between backup {chosen.Backup.Id} ({chosen.From}) and {target} have a gap ({string.Join("; ", plan.Gaps)}" +
                $"{Missing(listing)}): nothing was restored; --allow-gaps restores anyway, without the missing transactions");
        }

        return (chosen.Backup, chosen.From, plan);
    }

    /// <summary>The recoverable window as one phrase, e.g. <c>2026-11-30T01:00:00Z .. 2026-11-30T03:14:15Z (binlogs 1-1-5 .. 1-1-900, no gap)</c>.</summary>
    public async Task<string> WindowAsync(CancellationToken cancellationToken)
    {
        var listing = await logs.ListAsync(cancellationToken);
        return Window(await BasesAsync(listing, cancellationToken), listing);
    }

    private static string Window(IReadOnlyList<(StoredBackup Backup, LogPosition From, DateTimeOffset ConsistentAt)> bases, LogArchiveListing listing)
    {
        if (listing.Indexes.Count == 0)
        {
            return "none: no binlog is archived (run 'backup binlogs')";
        }

        if (bases.Count == 0)
        {
            return "none: no complete backup recorded its log position (a non-seed layout on a server with log_bin does)";
        }

        var oldest = bases[^1];
        var last = listing.Indexes.MaxBy(i => i.Last.Sequence)!;
        var gaps = LogChain.Gaps(listing.Indexes);
        var gapText = gaps.Count == 0 ? "no gap" : $"{gaps.Count} gap(s): {string.Join("; ", gaps)}";
        return $"{Utc(oldest.ConsistentAt)} .. {Utc(last.LastEventTime)}, {oldest.From} .. {last.Last}, {gapText}";
    }

    private static string Missing(LogArchiveListing listing) =>
        listing.Missing.Count == 0 ? "" : $"; index without its file: {string.Join(", ", listing.Missing.Select(m => m.DataKey))}";

    // Newest first; the time a backup is consistent at is taken as when its source finished: its snapshot is older.
    private async Task<IReadOnlyList<(StoredBackup Backup, LogPosition From, DateTimeOffset ConsistentAt)>> BasesAsync(LogArchiveListing listing, CancellationToken cancellationToken)
    {
        var stream = listing.Indexes.Concat(listing.Missing).Select(i => i.First.Stream).FirstOrDefault();
        var result = new List<(StoredBackup, LogPosition, DateTimeOffset)>();
        foreach (var backup in (await backups.ListAsync(cancellationToken)).Where(b => b.IsComplete && !b.IsFutureDated))
        {
            if (await backups.ReadManifestAsync(backup, cancellationToken) is not { } manifest)
            {
                continue;
            }

            var position = manifest.LogPositionsFor(source).FirstOrDefault(p => stream is null || p.Stream == stream);
            if (position is not null)
            {
                result.Add((backup, position, manifest.SourceFinishedAt));
            }
        }

        return result;
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
