namespace Backup.Abstractions;

/// <summary>A source that can replay its archived change log into a server it restored a backup into: needed by <c>backup restore --to-time/--to-gtid</c>.</summary>
/// <remarks>Added in contract 1.3, beside <see cref="IRestorableBackupSource"/>. Throw <see cref="BackupRestoreException"/> when the replay fails.</remarks>
public interface ILogReplayingSource : IRestorableBackupSource
{
    /// <summary>Parses a position the user typed (<c>--to-gtid</c>), or returns null when it is not one.</summary>
    LogPosition? ParseLogPosition(string text);

    /// <summary>The log positions a backup was consistent with, read from its <see cref="SourceResult.Metadata"/> (one per stream); empty when it recorded none.</summary>
    IReadOnlyList<LogPosition> LogPositionsOf(IReadOnlyDictionary<string, string> metadata);

    /// <summary>Replays <see cref="LogReplay.Segments"/> into the target, stopping where <paramref name="replay"/> says.</summary>
    Task ReplayLogAsync(LogReplay replay, CancellationToken cancellationToken);
}
