namespace Backup.Abstractions;

/// <summary>A source that can tell, before or while it dumps, about how many bytes its backup will be: the host then shows percent and ETA.</summary>
/// <remarks>
/// An optional capability beside <see cref="IBackupSource"/> (contract 1.3), so sources built against an earlier contract
/// keep working and simply show no percent. The host calls it once per run, concurrently with
/// <see cref="IBackupSource.BackupAsync"/> so a slow estimate never delays the backup, and cancels it after a few seconds.
/// Any exception, like null, means "no estimate": the run goes on unchanged. Implementations must not write entries.
/// </remarks>
public interface IEstimatingBackupSource : IBackupSource
{
    /// <summary>The estimated total of the bytes the backup's entries will hold (uncompressed), or null when it cannot be told.</summary>
    Task<long?> EstimateBytesAsync(CancellationToken cancellationToken);
}
