namespace Backup.Host.Monitoring;

/// <summary>What one job command did, made once at the end of every <c>run</c>, <c>verify</c>, <c>prune</c>, <c>restore</c> and <c>drill</c>: metrics and notifications both read it.</summary>
/// <param name="Command">The command (<c>run</c>, <c>verify</c>, ...).</param>
/// <param name="Job">The spec's name.</param>
/// <param name="Source">The source plugin's name.</param>
/// <param name="Storage">The storage plugin's name.</param>
/// <param name="ExitCode">The process's exit code (0 success, 2-9 a failure's kind, 130/143 a signal).</param>
/// <param name="StartedAt">When the command started.</param>
/// <param name="FinishedAt">When it ended (before metrics and notifications).</param>
/// <param name="BackupId">The backup made, verified or restored, when known.</param>
/// <param name="StoredBytes">The archive's size, when known.</param>
/// <param name="SourceBytes">The raw size of the entries the source wrote, when known.</param>
/// <param name="Error">The first error line printed (without <c>error: </c>), or null on success.</param>
/// <param name="Node">The database node the source read from, when the source said.</param>
/// <param name="Location">Where the backup is (storage location and, when known, the archive's key).</param>
internal sealed record CommandOutcome(
    string Command,
    string Job,
    string Source,
    string Storage,
    int ExitCode,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string? BackupId,
    long? StoredBytes,
    long? SourceBytes,
    string? Error,
    string? Node,
    string? Location)
{
    /// <summary>The command did what was asked.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>How long the command took.</summary>
    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>Raw bytes per stored byte, when both are known.</summary>
    public double? CompressionRatio => StoredBytes is > 0 && SourceBytes is { } raw ? (double)raw / StoredBytes.Value : null;
}
