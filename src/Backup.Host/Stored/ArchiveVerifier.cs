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
    /// <param name="meter">Counts the archive's bytes as they are downloaded, for progress, when given.</param>
    /// <param name="besideManifest">The manifest beside a streaming backup when the caller read it already (<see cref="ReadStreamedManifestAsync"/>), so the entry is checked against the one the caller acts on.</param>
    public static async Task<VerifiedBackup> VerifyAsync(
        IReadableBackupStorage storage,
        StoredBackup backup,
        Stream? stageTo,
        Func<string, Stream>? entrySink,
        CancellationToken cancellationToken,
        IReadOnlyList<AgeIdentity>? identities = null,
        ProgressMeter? meter = null,
        BackupManifest? besideManifest = null)
    {
        if (backup.ArchiveKey is null || backup.Format is null)
        {
            throw new BackupIntegrityException(
                $"backup {backup.Id} has no archive: neither {backup.Id}{ArchiveFormat.TarGz.Suffix} nor a streaming {backup.Id}.<ext>.gz or .zst (either maybe {ArchiveFormat.EncryptedSuffix}) is in {storage.Location}");
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
        besideManifest = backup.Format.IsTar ? null : besideManifest ?? await ReadStreamedManifestAsync(storage, backup, identities, cancellationToken);
        var where = storage.WhereIs(backup.ArchiveKey);
        var download = await storage.OpenReadAsync(backup.ArchiveKey, cancellationToken);
        await using var raw = new HashingReadStream(meter is null ? download : new MeteredReadStream(download, meter), where);
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

    private static async Task<BackupManifest> ReadEntriesAsync(Stream raw, StoredBackup backup, Func<string, Stream>? entrySink, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);
        var entries = new ArchiveEntries(tar);

        BackupManifest? manifest = null;
        var read = new List<EntryInfo>();
        while (await entries.NextAsync(cancellationToken) is { } entry)
        {
            if (manifest is not null && entries.Chunked)
            {
                throw new InvalidDataException($"entry '{entry.Name}' follows {BackupManifest.EntryName}, which a chunked archive has last");
            }

            if (entry.Name == BackupManifest.EntryName)
            {
                manifest = manifest is null
                    ? await ReadManifestAsync(entry.Data, backup, cancellationToken)
                    : throw new InvalidDataException($"entry '{entry.Name}' appears twice");
                continue;
            }

            // The names become file names in the restore's workspace: only the plain names the host writes are accepted.
            // With the manifest first (whole entries), anything it does not list is refused before a byte is extracted.
            var expected = manifest?.Entries.FirstOrDefault(e => e.Name == entry.Name);
            if (!ArtifactNames.IsSafeName(entry.Name) || (manifest is not null && expected is null))
            {
                throw new InvalidDataException($"entry '{entry.Name}' is not in the manifest");
            }

            if (read.Any(e => e.Name == entry.Name))
            {
                throw new InvalidDataException($"entry '{entry.Name}' appears twice");
            }

            var (size, sha1) = await ExtractAsync(entry.Data, entry.Name, expected, entrySink, cancellationToken);
            read.Add(new EntryInfo(entry.Name, size, sha1) { Chunks = entry.Chunks });
        }

        CheckAgainstManifest(read, manifest ?? throw new InvalidDataException($"the archive has no {BackupManifest.EntryName}"));

        // Read past the tar's end blocks so gzip checks its CRC-32 and length trailer too; but no gigabytes of padding.
        if (await CopyAtMostAsync(gzip, Stream.Null, MaxBytesAfterTarEnd, cancellationToken) > MaxBytesAfterTarEnd)
        {
            throw new InvalidDataException($"more than {MaxBytesAfterTarEnd:N0} bytes follow the tar's end");
        }

        return manifest;
    }

    private static async Task<BackupManifest> ReadManifestAsync(Stream data, StoredBackup backup, CancellationToken cancellationToken)
    {
        var manifest = await BackupManifest.ReadAsync(data, cancellationToken);
        if (manifest?.Entries is null || manifest.SourceMetadata is null)
        {
            throw new InvalidDataException($"{BackupManifest.EntryName} is not a manifest written by this tool");
        }

        return manifest.BackupId == backup.Id ? manifest : throw new InvalidDataException($"{BackupManifest.EntryName} belongs to backup {manifest.BackupId}");
    }

    /// <summary>Compares the entries read with the manifest: the same names, sizes, SHA-1s and chunk counts, none missing.</summary>
    private static void CheckAgainstManifest(IReadOnlyList<EntryInfo> read, BackupManifest manifest)
    {
        foreach (var entry in read)
        {
            Check(entry, manifest.Entries.FirstOrDefault(e => e.Name == entry.Name) ?? throw new InvalidDataException($"entry '{entry.Name}' is not in the manifest"));
        }

        if (manifest.Entries.FirstOrDefault(e => read.All(r => r.Name != e.Name)) is { } missing)
        {
            throw new InvalidDataException($"entry '{missing.Name}' of the manifest is missing from the archive");
        }
    }

    private static void Check(EntryInfo read, EntryInfo expected)
    {
        if (read.Size != expected.Size || read.Sha1 != expected.Sha1)
        {
            throw new InvalidDataException(
                $"entry '{read.Name}' is {read.Size:N0} bytes with SHA-1 {read.Sha1}, the manifest says {expected.Size:N0} bytes with SHA-1 {expected.Sha1}");
        }

        if (read.Chunks != expected.Chunks)
        {
            throw new InvalidDataException($"entry '{read.Name}' is in {Pieces(read.Chunks)}, the manifest says {Pieces(expected.Chunks)}");
        }

        static string Pieces(int? chunks) => chunks is { } n ? $"{n} chunk{(n == 1 ? "" : "s")}" : "one piece";
    }

    /// <summary>Copies one entry to <c>Stream.Null</c> or <paramref name="entrySink"/>'s stream and compares it with <paramref name="expected"/>.</summary>
    private static async Task CopyAndCheckEntryAsync(Stream data, EntryInfo expected, Func<string, Stream>? entrySink, CancellationToken cancellationToken)
    {
        var (size, sha1) = await ExtractAsync(data, expected.Name, expected, entrySink, cancellationToken);
        Check(new EntryInfo(expected.Name, size, sha1) { Chunks = expected.Chunks }, expected);
    }

    /// <summary>Copies one entry to <c>Stream.Null</c> or <paramref name="entrySink"/>'s stream, hashing it; returns its size and SHA-1.</summary>
    /// <remarks>
    /// When the manifest came first (<paramref name="expected"/> known), reads at most one byte more than it says: enough
    /// to prove the entry too long, so a small archive that inflates to gigabytes (a decompression bomb) costs no more
    /// than that byte. A chunked archive has its manifest last: each chunk is bounded by its tar header and by the
    /// largest chunk size; nothing of the entry is written to disk (a restore stages the compressed archive only).
    /// </remarks>
    private static async Task<(long Size, string Sha1)> ExtractAsync(
        Stream data, string name, EntryInfo? expected, Func<string, Stream>? entrySink, CancellationToken cancellationToken)
    {
        if (expected?.Size < 0)
        {
            throw new InvalidDataException($"entry '{name}' has a negative size in the manifest");
        }

        long copied;
        string sha1;
        await using (var hashing = new HashingStream(entrySink?.Invoke(name) ?? Stream.Null))
        {
            copied = await CopyAtMostAsync(data, hashing, expected?.Size ?? long.MaxValue - 1, cancellationToken);
            await hashing.FlushAsync(cancellationToken);
            sha1 = hashing.HexDigest();
        }

        if (expected is not null && copied > expected.Size)
        {
            throw new InvalidDataException($"entry '{name}' is longer than the {expected.Size:N0} bytes the manifest says");
        }

        return (copied, sha1);
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
            : throw new BackupIntegrityException($"{storage.WhereIs(key)} is not a sha1sum line ('<40 hex digits>  <file name>')");
    }

    [GeneratedRegex(@"^(?<sha1>[0-9a-fA-F]{40})(\s|$)")]
    private static partial Regex ChecksumLine();
}
