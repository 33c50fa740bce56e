namespace Backup.Host.PointInTime;

/// <summary>What a job's log archive holds.</summary>
/// <param name="Indexes">The archived files whose data is present, in log order.</param>
/// <param name="Missing">Indexes whose file is gone (deleted by hand, or a failed retention): the archive has a gap there.</param>
internal sealed record LogArchiveListing(IReadOnlyList<LogIndex> Indexes, IReadOnlyList<LogIndex> Missing);
