using Backup.Abstractions;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>The key-less half of the verifier: the stored bytes of an encrypted backup against its <c>.sha1</c>.</summary>
internal static partial class ArchiveVerifier
{
    /// <summary>Checks that the stored object is whole (size and SHA-1 against the <c>.sha1</c>) without opening it: all that can be checked of an encrypted backup without its private key.</summary>
    public static async Task<ArchiveInfo> VerifyStoredBytesAsync(IReadableBackupStorage storage, StoredBackup backup, CancellationToken cancellationToken, ProgressMeter? meter = null)
    {
        if (backup.ArchiveKey is null || backup.ChecksumKey is null)
        {
            throw new BackupIntegrityException($"backup {backup.Id} is incomplete: its archive or its {ArtifactNames.Sha1Suffix} is missing (an interrupted or failed upload)");
        }

        var expected = await ReadExpectedSha1Async(storage, backup.ChecksumKey, cancellationToken);
        var where = storage.WhereIs(backup.ArchiveKey);
        var download = await storage.OpenReadAsync(backup.ArchiveKey, cancellationToken);
        await using var raw = new HashingReadStream(meter is null ? download : new MeteredReadStream(download, meter), where);
        await raw.CopyToAsync(Stream.Null, cancellationToken);
        var actual = raw.HexDigest();
        return actual == expected
            ? new ArchiveInfo(Path.GetFileName(backup.ArchiveKey), raw.BytesRead, actual)
            : throw new BackupIntegrityException($"backup {backup.Id} is corrupted or truncated: SHA-1 of {where} ({raw.BytesRead:N0} bytes) is {actual}, its .sha1 says {expected}");
    }
}
