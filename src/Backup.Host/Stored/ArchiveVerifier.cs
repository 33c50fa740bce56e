using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backup.Abstractions;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>Downloads a backup's archive once, as a stream, and proves it whole: SHA-1 against the <c>.sha1</c>, the compression's own checks, and every entry against the manifest.</summary>
/// <remarks>
/// A <c>.tar.gz</c> carries its manifest inside; a streaming backup (<c>.sql.gz</c>, <c>.sql.zst</c>) is its one
/// entry, checked against the manifest stored beside it.
/// Nothing is held in memory: the download is hashed while it is decompressed (and untarred); entries go to
/// <c>Stream.Null</c> (verify) or to files in a private directory (restore). The caller must not use extracted
/// files unless this returns: a mismatch anywhere throws <see cref="BackupIntegrityException"/>.
/// </remarks>
internal static partial class ArchiveVerifier
{
    private const int MaxChecksumFileBytes = 4096;

    /// <summary>Verifies <paramref name="backup"/>; when <paramref name="extractTo"/> is set, its entries are written there as files.</summary>
    public static async Task<VerifiedBackup> VerifyAsync(IReadableBackupStorage storage, StoredBackup backup, string? extractTo, CancellationToken cancellationToken)
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

        var expected = await ReadExpectedSha1Async(storage, backup.ChecksumKey, cancellationToken);
        var besideManifest = backup.Format.IsTar ? null : await ReadStreamedManifestAsync(storage, backup, cancellationToken);
        var where = $"{storage.Location}/{backup.ArchiveKey}";
        await using var raw = new HashingReadStream(await storage.OpenReadAsync(backup.ArchiveKey, cancellationToken), where);

        BackupManifest? manifest = null;
        string? damage = null;
        try
        {
            manifest = besideManifest is null
                ? await ReadEntriesAsync(raw, backup, extractTo, cancellationToken)
                : await ReadStreamedEntryAsync(raw, backup.Format, besideManifest, extractTo, cancellationToken);
        }
        catch (Exception ex) when (ArchiveFormat.IsDataDamage(ex) || ex is JsonException or ArgumentException)
        {
            damage = ex.Message.ReplaceLineEndings(" ");
        }

        // Hash to the very end even after damage: a checksum mismatch is the clearest thing to report.
        await raw.DrainAsync(cancellationToken);
        var actual = raw.HexDigest();
        if (actual != expected)
        {
            throw new BackupIntegrityException(
                $"backup {backup.Id} is corrupted or truncated: SHA-1 of {where} ({raw.BytesRead:N0} bytes) is {actual}, its .sha1 says {expected}"
                + (damage is null ? "" : $"; reading it failed: {damage}"));
        }

        if (damage is not null)
        {
            throw new BackupIntegrityException($"backup {backup.Id} matches its .sha1 but the archive is damaged: {damage}");
        }

        return new VerifiedBackup(backup, manifest!, new ArchiveInfo(Path.GetFileName(backup.ArchiveKey), raw.BytesRead, actual));
    }

    private static async Task<BackupManifest> ReadEntriesAsync(Stream raw, StoredBackup backup, string? extractTo, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);

        var first = await tar.GetNextEntryAsync(copyData: false, cancellationToken);
        if (first?.Name != BackupManifest.EntryName || first.DataStream is null)
        {
            throw new InvalidDataException($"the first entry is '{first?.Name}', not {BackupManifest.EntryName}");
        }

        var manifest = BackupManifest.FromJson(first.DataStream) ?? throw new InvalidDataException($"{BackupManifest.EntryName} is empty");
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

            await CopyAndCheckEntryAsync(entry.DataStream ?? Stream.Null, info, extractTo, cancellationToken);
        }

        if (expected.Keys.FirstOrDefault(name => !seen.Contains(name)) is { } missing)
        {
            throw new InvalidDataException($"entry '{missing}' of the manifest is missing from the archive");
        }

        // Read past the tar's end blocks so gzip checks its CRC-32 and length trailer too.
        await gzip.CopyToAsync(Stream.Null, cancellationToken);
        return manifest;
    }

    /// <summary>Copies one entry to <c>Stream.Null</c> or a file in <paramref name="extractTo"/>, hashing it, and compares it with the manifest.</summary>
    private static async Task CopyAndCheckEntryAsync(Stream data, EntryInfo info, string? extractTo, CancellationToken cancellationToken)
    {
        var sink = extractTo is null
            ? Stream.Null
            : new FileStream(Path.Combine(extractTo, info.Name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using var hashing = new HashingStream(sink);
        await data.CopyToAsync(hashing, 1 << 16, cancellationToken);

        var sha1 = hashing.HexDigest();
        if (hashing.BytesWritten != info.Size || sha1 != info.Sha1)
        {
            throw new InvalidDataException(
                $"entry '{info.Name}' is {hashing.BytesWritten:N0} bytes with SHA-1 {sha1}, the manifest says {info.Size:N0} bytes with SHA-1 {info.Sha1}");
        }
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
