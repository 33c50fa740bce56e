namespace Backup.Abstractions;

/// <summary>Produces the content of a backup as one or more named entries.</summary>
/// <remarks>
/// A source knows nothing about archives, compression, checksums or storage: it writes entries into
/// <see cref="BackupContext.Writer"/> and the host does the rest. Throw <see cref="BackupSourceException"/>
/// (or <see cref="BackupCredentialsException"/>) for failures the user can act on; the host then uploads nothing.
/// </remarks>
public interface IBackupSource
{
    /// <summary>Writes the backup's entries and returns facts worth recording in the backup's manifest.</summary>
    Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken);
}
