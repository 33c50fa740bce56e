using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>Downloads a backup's archive once, as a stream, and proves it whole: SHA-1 against the <c>.sha1</c>, the compression's own checks, and every entry against the manifest.</summary>
/// <remarks>
/// A <c>.tar.gz</c> carries its manifest inside; a streaming backup (<c>.sql.gz</c>, <c>.sql.zst</c>) is its one
/// entry, checked against the manifest stored beside it.
/// Nothing is held in memory: the download is hashed while it is decompressed (and untarred); entries go to
/// <c>Stream.Null</c> or to a sink the caller chooses (e.g. one listing the dump's databases), and a restore may
/// keep the compressed bytes as they pass (staging). The caller must not use what it kept unless this returns: a
/// mismatch anywhere throws <see cref="BackupIntegrityException"/>.
/// </remarks>
internal static partial class ArchiveVerifier
{
    private const int MaxChecksumFileBytes = 4096;

    // GNU tar pads its end to a 10 KiB record; anything much longer after the end is not a tar this host wrote.
    private const int MaxBytesAfterTarEnd = 1 << 20;

    /// <summary>Verifies <paramref name="backup"/>, copying the archive's stored bytes to <paramref name="stageTo"/> and each entry's bytes to the stream <paramref name="entrySink"/> gives for it, when set.</summary>
    /// <remarks>Write failures of <paramref name="stageTo"/> (e.g. a full temp disk) propagate as they are.</remarks>
    /// <param name="storage">Where the backup is.</param>
    /// <param name="backup">The backup.</param>
    /// <param name="stageTo">Receives the stored (compressed, maybe encrypted) bytes as they are read (restore), or null.</param>
    /// <param name="entrySink">Gives a stream for each entry's bytes, or null (they go to <c>Stream.Null</c>).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <param name="identities">The private keys of an encrypted backup (required for one; see <see cref="VerifyStoredBytesAsync"/> without).</param>
    public static async Task<VerifiedBackup> VerifyAsync(
        IReadableBackupStorage storage,
        StoredBackup backup,
        Stream? stageTo,
        Func<EntryInfo, Stream>? entrySink,
        CancellationToken cancellationToken,
        IReadOnlyList<AgeIdentity>? identities = null)
    {
        if (backup.ArchiveKey is null || backup.Format is null)
        {
            var names = string.Join(", ", ArchiveFormat.All.Select(f => backup.Id + f.Suffix));
            throw new BackupIntegrityException($"backup {backup.Id} has no archive: none of {names} is in {storage.Location}");
        }

        if (backup.ChecksumKey is null)
        {
            throw new BackupIntegrityException($"backup {backup.Id} is incomplete: {Path.GetFileName(backup.ArchiveKey)}{ArtifactNames.Sha1Suffix} is missing (an interrupted or failed upload)");
        }

        if (backup.Format.IsEncrypted && identities is null)
        {
            throw new ArgumentException("an encrypted backup needs identities", nameof(identities));
        }

        var expected = await ReadExpectedSha1Async(storage, backup.ChecksumKey, cancellationToken);
        var besideManifest = backup.Format.IsTar ? null : await ReadStreamedManifestAsync(storage, backup, identities, cancellationToken);
        var where = $"{storage.Location}/{backup.ArchiveKey}";
        await using var raw = new HashingReadStream(await storage.OpenReadAsync(backup.ArchiveKey, cancellationToken), where);
        Stream read = stageTo is null ? raw : new CopyingReadStream(raw, stageTo);

        BackupManifest? manifest = null;
        string? damage = null;
        var wrongKey = false;
        try
        {
            // The age layer is authenticated chunk by chunk and as a whole only at its end: it is read to the end
            // below, and nothing extracted is used unless this returns.
            await using var decrypted = backup.Format.IsEncrypted ? await AgeDecryptingStream.OpenAsync(read, identities!, cancellationToken, leaveOpen: true) : null;
            Stream plain = decrypted is null ? read : decrypted;
            manifest = besideManifest is null
                ? await ReadEntriesAsync(plain, backup, entrySink, cancellationToken)
                : await ReadStreamedEntryAsync(plain, backup.Format, besideManifest, entrySink, cancellationToken);
            if (decrypted is not null)
            {
                await decrypted.CopyToAsync(Stream.Null, cancellationToken);
            }
        }
        catch (Exception ex) when (ArchiveFormat.IsDataDamage(ex) || ex is JsonException or ArgumentException or AgeException)
        {
            damage = ex.Message.ReplaceLineEndings(" ");
            wrongKey = ex is AgeException { Failure: AgeFailure.NoMatchingIdentity };
        }

        // Hash to the very end even after damage: a checksum mismatch is the clearest thing to report.
        await read.CopyToAsync(Stream.Null, cancellationToken);
        var actual = raw.HexDigest();
        if (actual != expected)
        {
            throw new BackupIntegrityException(
                $"backup {backup.Id} is corrupted or truncated: SHA-1 of {where} ({raw.BytesRead:N0} bytes) is {actual}, its .sha1 says {expected}"
                + (damage is null ? "" : $"; reading it failed: {damage}"));
        }

        if (damage is not null)
        {
            throw new BackupIntegrityException(wrongKey
                ? $"backup {backup.Id} matches its .sha1 but cannot be decrypted: {damage}"
                : $"backup {backup.Id} matches its .sha1 but the archive is damaged: {damage}");
        }

        return new VerifiedBackup(backup, manifest!, new ArchiveInfo(Path.GetFileName(backup.ArchiveKey), raw.BytesRead, actual));
    }

    private static async Task<BackupManifest> ReadEntriesAsync(Stream raw, StoredBackup backup, Func<EntryInfo, Stream>? entrySink, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);

        var first = await tar.GetNextEntryAsync(copyData: false, cancellationToken);
        if (first?.Name != BackupManifest.EntryName || first.DataStream is null)
        {
            throw new InvalidDataException($"the first entry is '{first?.Name}', not {BackupManifest.EntryName}");
        }

        var manifest = await BackupManifest.ReadAsync(first.DataStream, cancellationToken) ?? throw new InvalidDataException($"{BackupManifest.EntryName} is empty");
        if (manifest.BackupId != backup.Id)
        {
            throw new InvalidDataException($"{BackupManifest.EntryName} belongs to backup {manifest.BackupId}");
        }

        var expected = manifest.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            // The names become file names in the restore's workspace: only the plain names the host writes are accepted.
            if (!expected.TryGetValue(entry.Name, out var info) || !ArtifactNames.IsSafeName(entry.Name) || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                throw new InvalidDataException($"entry '{entry.Name}' ({entry.EntryType}) is not in the manifest");
            }

            if (!seen.Add(entry.Name))
            {
                throw new InvalidDataException($"entry '{entry.Name}' appears twice");
            }

            await CopyAndCheckEntryAsync(entry.DataStream ?? Stream.Null, info, entrySink, cancellationToken);
        }

        if (expected.Keys.FirstOrDefault(name => !seen.Contains(name)) is { } missing)
        {
            throw new InvalidDataException($"entry '{missing}' of the manifest is missing from the archive");
        }

        // Read past the tar's end blocks so gzip checks its CRC-32 and length trailer too; but no gigabytes of padding.
        if (await CopyAtMostAsync(gzip, Stream.Null, MaxBytesAfterTarEnd, cancellationToken) > MaxBytesAfterTarEnd)
        {
            throw new InvalidDataException($"more than {MaxBytesAfterTarEnd:N0} bytes follow the tar's end");
        }

        return manifest;
    }

    /// <summary>Copies one entry to <c>Stream.Null</c> or <paramref name="entrySink"/>'s stream, hashing it, and compares it with the manifest.</summary>
    /// <remarks>
    /// Reads at most one byte more than the manifest says: enough to prove the entry too long, so a small archive that
    /// inflates to gigabytes (a decompression bomb) costs no more than that byte.
    /// </remarks>
    private static async Task CopyAndCheckEntryAsync(Stream data, EntryInfo info, Func<EntryInfo, Stream>? entrySink, CancellationToken cancellationToken)
    {
        if (info.Size < 0)
        {
            throw new InvalidDataException($"entry '{info.Name}' has a negative size in the manifest");
        }

        long copied;
        string sha1;
        await using (var hashing = new HashingStream(entrySink?.Invoke(info) ?? Stream.Null))
        {
            copied = await CopyAtMostAsync(data, hashing, info.Size, cancellationToken);
            await hashing.FlushAsync(cancellationToken);
            sha1 = hashing.HexDigest();
        }

        if (copied > info.Size)
        {
            throw new InvalidDataException($"entry '{info.Name}' is longer than the {info.Size:N0} bytes the manifest says");
        }

        if (copied != info.Size || sha1 != info.Sha1)
        {
            throw new InvalidDataException(
                $"entry '{info.Name}' is {copied:N0} bytes with SHA-1 {sha1}, the manifest says {info.Size:N0} bytes with SHA-1 {info.Sha1}");
        }
    }

    /// <summary>Copies <paramref name="data"/> into <paramref name="sink"/> until its end or until one byte more than <paramref name="limit"/>; returns the bytes read.</summary>
    private static async Task<long> CopyAtMostAsync(Stream data, Stream sink, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        long copied = 0;
        int read;
        while (copied <= limit && (read = await data.ReadAsync(buffer.AsMemory(0, limit - copied < buffer.Length ? (int)(limit - copied) + 1 : buffer.Length), cancellationToken)) > 0)
        {
            await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            copied += read;
        }

        return copied;
    }

    private static async Task<string> ReadExpectedSha1Async(IReadableBackupStorage storage, string key, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxChecksumFileBytes];
        int length;
        await using (var stream = await storage.OpenReadAsync(key, cancellationToken))
        {
            length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        }

        var match = ChecksumLine().Match(Encoding.ASCII.GetString(buffer, 0, length));
        return match.Success
            ? match.Groups["sha1"].Value.ToLowerInvariant()
            : throw new BackupIntegrityException($"{storage.Location}/{key} is not a sha1sum line ('<40 hex digits>  <file name>')");
    }

    [GeneratedRegex(@"^(?<sha1>[0-9a-fA-F]{40})(\s|$)")]
    private static partial Regex ChecksumLine();
}
