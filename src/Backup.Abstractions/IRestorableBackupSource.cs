namespace Backup.Abstractions;

/// <summary>A source that can load one of its backups back into a server: needed by <c>backup restore</c>.</summary>
/// <remarks>
/// An optional capability beside <see cref="IBackupSource"/>, so sources built against the earlier contract keep
/// working and simply cannot restore. The host calls it only after the archive's SHA-1 and every entry's size and
/// SHA-1 were checked, so an implementation may trust the bytes it reads (an <see cref="IDiscardingRestoreSource"/>
/// may instead be handed them while they are checked, and the end of an entry only once all matched). Throw <see cref="BackupRestoreException"/>
/// for failures the user can act on (target not empty, load failed).
/// </remarks>
public interface IRestorableBackupSource : IBackupSource
{
    /// <summary>Loads the backup's entries into the target described by <paramref name="context"/>.</summary>
    Task RestoreAsync(RestoreContext context, CancellationToken cancellationToken);
}
