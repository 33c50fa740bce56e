using Backup.Abstractions;

namespace Backup.Host.PointInTime;

/// <summary>Reads the archived files as one chain of positions: its gaps, its end, and what a restore from a position to a target replays; pure, so every rule is tested without a storage.</summary>
/// <remarks>
/// Files may overlap (after a fail-over the new node's first file repeats transactions the old node's last file
/// held): what counts is the highest position covered so far. A file that continues from a later position than that
/// (<see cref="LogIndex.ContinuesFrom"/>) opens a gap; a sequence number the cluster skipped does not.
/// </remarks>
internal static class LogChain
{
    /// <summary>The gaps between consecutive files of <paramref name="ordered"/> (in log order) of one stream.</summary>
    public static IReadOnlyList<LogGap> Gaps(IReadOnlyList<LogIndex> ordered)
    {
        var gaps = new List<LogGap>();
        LogPosition? covered = null;
        foreach (var index in ordered)
        {
            if (covered is not null && index.ContinuesFrom > covered.Sequence)
            {
                gaps.Add(new LogGap(covered, index.First));
            }

            if (covered is null || index.Last.Sequence > covered.Sequence)
            {
                covered = index.Last;
            }
        }

        return gaps;
    }

    /// <summary>What replays the transactions after <paramref name="from"/> up to <paramref name="stopAt"/> (inclusive) or everything logged up to <paramref name="stopTime"/>'s second.</summary>
    public static LogReplayPlan Plan(IReadOnlyList<LogIndex> ordered, LogPosition from, LogPosition? stopAt, DateTimeOffset? stopTime)
    {
        var segments = new List<(LogIndex, LogPosition?)>();
        var gaps = new List<LogGap>();
        var covered = from;
        var stopSecond = stopTime is { } time ? DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds()) : (DateTimeOffset?)null;
        var reached = stopAt is not null ? from.Sequence >= stopAt.Sequence : false;
        foreach (var index in ordered.Where(i => i.First.Stream == from.Stream))
        {
            if (stopSecond is { } second && index.LastEventTime >= second)
            {
                // This file (or an earlier one) holds the target's second, or the first event after it.
                reached = true;
            }

            if (index.Last.Sequence <= covered.Sequence)
            {
                continue;
            }

            if ((stopAt is not null && covered.Sequence >= stopAt.Sequence) || (stopSecond is not null && index.FirstEventTime > stopSecond))
            {
                break;
            }

            if (index.ContinuesFrom > covered.Sequence)
            {
                gaps.Add(new LogGap(covered, index.First));
            }

            segments.Add((index, index.First.Sequence <= covered.Sequence ? covered : null));
            covered = index.Last;
            if (stopAt is not null && covered.Sequence >= stopAt.Sequence)
            {
                reached = true;
            }
        }

        return new LogReplayPlan(segments, gaps, reached);
    }
}
