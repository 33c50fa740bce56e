namespace Backup.Abstractions;

/// <summary>One run of a backup job, as a source sees it.</summary>
/// <param name="JobName">The job's name from the spec.</param>
/// <param name="BackupId">The backup's id (its artifact name without extension), unique per run.</param>
/// <param name="StartedAt">When the run started (UTC).</param>
/// <param name="WorkDirectory">A private (0700) scratch directory the host removes after the run, also on failure.</param>
/// <param name="Writer">Where the source writes its entries.</param>
public sealed record BackupContext(
    string JobName,
    string BackupId,
    DateTimeOffset StartedAt,
    string WorkDirectory,
    IBackupWriter Writer)
{
    /// <summary>The backup an <see cref="IIncrementalBackupSource"/> may write an increment on, or <see langword="null"/> when a full backup is due.</summary>
    /// <remarks>Since contract 1.3; set only for sources that implement <see cref="IIncrementalBackupSource"/> when the spec asks for increments.</remarks>
    public PreviousBackup? Previous { get; init; }
}
