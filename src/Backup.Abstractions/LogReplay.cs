namespace Backup.Abstractions;

/// <summary>What a <see cref="ILogReplayingSource"/> replays into a restored server: verified log files and where to stop.</summary>
/// <param name="Target">The server the backup was just restored into.</param>
/// <param name="Segments">The files in order, each already checked against its archived SHA-1.</param>
/// <param name="StopAt">Replay up to and including this position, or <see langword="null"/>.</param>
/// <param name="StopTime">Replay every transaction logged up to and including this time (the log's resolution), or <see langword="null"/>.</param>
/// <param name="WorkDirectory">A private (0700) scratch directory the host removes afterwards.</param>
/// <remarks>Added in contract 1.3. Exactly one of <paramref name="StopAt"/> and <paramref name="StopTime"/> is set.</remarks>
public sealed record LogReplay(
    RestoreTarget Target,
    IReadOnlyList<LogReplaySegment> Segments,
    LogPosition? StopAt,
    DateTimeOffset? StopTime,
    string WorkDirectory);
