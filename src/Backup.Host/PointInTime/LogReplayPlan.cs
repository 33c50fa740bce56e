using Backup.Abstractions;

namespace Backup.Host.PointInTime;

/// <summary>Which archived files a restore replays, from where in each, and the gaps it would cross.</summary>
/// <param name="Segments">The files in order, each with the position to skip through (null: replay it from its start).</param>
/// <param name="Gaps">Missing transactions between the backup and the target.</param>
/// <param name="Reached">Whether the archive reaches the target.</param>
internal sealed record LogReplayPlan(IReadOnlyList<(LogIndex Index, LogPosition? StartAfter)> Segments, IReadOnlyList<LogGap> Gaps, bool Reached);
