namespace Backup.Host.Stored;

/// <summary>One backup of a job as found in the storage: the objects that share its id.</summary>
/// <param name="Id">The backup id (the archive name without extension).</param>
/// <param name="Timestamp">When it was made: from its name, or the store's modification time when the template has no <c>{timestamp}</c>.</param>
/// <param name="ArchiveKey">The <c>.tar.gz</c> object's key, or null when missing.</param>
/// <param name="ArchiveSize">The archive's size in bytes, or null when missing.</param>
/// <param name="ManifestKey">The <c>.manifest.json</c> object's key, or null when missing.</param>
/// <param name="ChecksumKey">The <c>.tar.gz.sha1</c> object's key, or null when missing.</param>
internal sealed record StoredBackup(
    string Id,
    DateTimeOffset Timestamp,
    string? ArchiveKey,
    long? ArchiveSize,
    string? ManifestKey,
    string? ChecksumKey)
{
    /// <summary>Archive and checksum are both present: the upload finished (the <c>.sha1</c> is written last).</summary>
    public bool IsComplete => ArchiveKey is not null && ChecksumKey is not null;

    /// <summary>The keys to delete, checksum first: an interrupted deletion leaves an incomplete backup, never a <c>.sha1</c> without its archive.</summary>
    public IReadOnlyList<string> KeysInDeletionOrder =>
        new[] { ChecksumKey, ArchiveKey, ManifestKey }.OfType<string>().ToList();
}
