namespace Backup.Abstractions;

/// <summary>A restorable source that removes everything it wrote into a target when the restore fails: the host may then verify the backup while the source reads it (one download, no temp copy) instead of before (contract 1.4).</summary>
/// <remarks>
/// <para>
/// An optional capability beside <see cref="IRestorableBackupSource"/>, asked before anything is downloaded. Without
/// it, or when it answers <see langword="false"/>, the host verifies the whole backup first and then downloads it again
/// or reads a staged copy: the target never sees a byte of a damaged backup, at the price of a second pass. That is
/// the only safe order for a target that cannot be taken back, such as a running server.
/// </para>
/// <para>
/// A target that can be thrown away whole, such as an empty data directory no server runs on, is safe to write
/// before the backup is proven intact. When this answers <see langword="true"/> for a single-entry (streaming) backup,
/// the host hands the entry as it downloads, checking its size and SHA-1 and the stored object's checksum on the
/// way; the end of the entry (end of stream) is delivered only after all of them matched. On a mismatch the read
/// throws <see cref="BackupIntegrityException"/> and the restore's token is cancelled. The source must then remove
/// what it wrote, leave the target as it found it, and let the failure propagate; nothing it wrote may be used
/// (started, served) before its <see cref="IRestorableBackupSource.RestoreAsync"/> has returned.
/// </para>
/// </remarks>
public interface IDiscardingRestoreSource : IRestorableBackupSource
{
    /// <summary>Whether a failed restore into <paramref name="target"/> leaves nothing behind (everything written there is removed).</summary>
    /// <remarks>Must not touch the target or the network: it is asked before the download, from the command line's target alone.</remarks>
    bool DiscardsFailedRestore(RestoreTarget target);
}
