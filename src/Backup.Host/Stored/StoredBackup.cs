using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>One backup of a job as found in the storage: the objects that share its id.</summary>
/// <param name="Id">The backup id (the archive name without its format's suffix).</param>
/// <param name="Timestamp">When it was made: from its name, or the store's modification time when the template has no <c>{timestamp}</c>.</param>
/// <param name="Format">The archive's format (from the archive's or the checksum's name), or null when only the manifest is there.</param>
/// <param name="ArchiveKey">The archive object's key (<c>.tar.gz</c>, <c>.sql.gz</c>, <c>.sql.zst</c>), or null when missing.</param>
/// <param name="ArchiveSize">The archive's size in bytes, or null when missing.</param>
/// <param name="ManifestKey">The <c>.manifest.json</c> object's key, or null when missing.</param>
/// <param name="ChecksumKey">The archive's <c>.sha1</c> object's key, or null when missing.</param>
/// <param name="Keys">Every object of the backup, including any left by a run in another format under the same id.</param>
/// <param name="IsFutureDated">Its timestamp is later than now plus <see cref="ClockSkew.Tolerance"/>: made under a wrong clock, so it is never the latest and counts for no retention rule.</param>
internal sealed record StoredBackup(
    string Id,
    DateTimeOffset Timestamp,
    ArchiveFormat? Format,
    string? ArchiveKey,
    long? ArchiveSize,
    string? ManifestKey,
    string? ChecksumKey,
    IReadOnlyList<string> Keys,
    bool IsFutureDated = false)
{
    /// <summary>Archive and checksum are both present: the upload finished (the <c>.sha1</c> is written last).</summary>
    public bool IsComplete => ArchiveKey is not null && ChecksumKey is not null;

    /// <summary>The keys to delete, checksums first and the manifest last: an interrupted deletion leaves an incomplete backup, never a <c>.sha1</c> without its archive.</summary>
    public IReadOnlyList<string> KeysInDeletionOrder =>
        Keys.OrderBy(k => k.EndsWith(ArtifactNames.Sha1Suffix, StringComparison.Ordinal) ? 0 : k.EndsWith(ArtifactNames.ManifestSuffix, StringComparison.Ordinal) ? 2 : 1)
            .ThenBy(k => k, StringComparer.Ordinal)
            .ToList();
}
