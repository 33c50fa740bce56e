using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;
using Backup.Host.Stored;

namespace Backup.Host.PointInTime;

/// <summary>A job's archived log files in its storage: <c>&lt;prefix&gt;/binlogs/&lt;name&gt;.gz</c> (gzip), or <c>&lt;name&gt;.gz.age</c> (gzip, then age-encrypted, when the job has <c>encryption</c>) and, written after it, <c>&lt;name&gt;.json</c> (its <see cref="LogIndex"/>).</summary>
/// <remarks>
/// <para>The index goes last, as a backup's <c>.sha1</c> does: a file whose upload failed has no index and counts for
/// nothing. An index whose file is gone is reported as missing, and the archive then has a gap there.</para>
/// <para>An encrypted file is named as an encrypted backup is (the plain name plus <c>.age</c>: <c>age -d</c> by hand
/// gives the <c>.gz</c> this host would have stored), and its index records the SHA-1 of the stored (encrypted) bytes,
/// as a backup's <c>.sha1</c> does. The indexes stay plaintext: they hold GTIDs, file and node names, times and sizes,
/// no row data (the object names show the first GTID, node and file already), and <c>backup binlogs</c> (where to
/// continue), <c>backup list</c> (the window) and retention read them with the public keys only, as a backup CronJob
/// runs. A plaintext and an encrypted file may sit side by side (encryption switched on later): each index says which
/// it is.</para>
/// </remarks>
internal sealed class LogArchive(IReadableBackupStorage storage, string prefix)
{
    /// <summary>The folder under the job's prefix.</summary>
    public const string Folder = "binlogs";

    /// <summary>The encryption format an index names, the same as the backups'.</summary>
    public const string EncryptionFormat = "age";

    private const string DataSuffix = ".gz";
    private const string EncryptedDataSuffix = DataSuffix + ArchiveFormat.EncryptedSuffix;
    private const string IndexSuffix = ".json";

    /// <summary>The storage the files are in.</summary>
    public IReadableBackupStorage Storage => storage;

    /// <summary>Where the files are, for messages.</summary>
    public string Where => $"{storage.Location}/{ListPrefix}";

    private string ListPrefix => ArtifactNames.Key(prefix, Folder) + "/";

    /// <summary>The archive's indexes, in log order, and the ones whose file is missing.</summary>
    public async Task<LogArchiveListing> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var stored in storage.ListAsync(ListPrefix, cancellationToken))
            {
                if (stored.Key.StartsWith(ListPrefix, StringComparison.Ordinal) && !stored.Key.AsSpan(ListPrefix.Length).Contains('/'))
                {
                    keys.Add(stored.Key);
                }
            }
        }
        catch (Exception ex) when (ex is not BackupException and not OperationCanceledException)
        {
            throw new BackupStorageException($"cannot list {Where}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        var present = new List<LogIndex>();
        var missing = new List<LogIndex>();
        foreach (var key in keys.Where(k => k.EndsWith(IndexSuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (await ReadIndexAsync(key, cancellationToken) is not { } index)
            {
                continue;
            }

            (keys.Contains(index.DataKey) ? present : missing).Add(index);
        }

        return new LogArchiveListing(Ordered(present), Ordered(missing));
    }

    /// <summary>Compresses <paramref name="segment"/>'s file (and encrypts it to <paramref name="recipients"/> when given) into the storage, then stores its index; returns the index.</summary>
    public async Task<LogIndex> StoreAsync(LogSegment segment, LogPosition? gapAfter, IReadOnlyCollection<AgeRecipient>? recipients, string workDirectory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var name = $"{segment.First.Stream}-{segment.First.Sequence.ToString("D20", CultureInfo.InvariantCulture)}-{Safe(segment.Node)}-{Safe(segment.Name)}";
        var encrypted = recipients is { Count: > 0 };
        var dataSuffix = encrypted ? EncryptedDataSuffix : DataSuffix;
        var dataKey = ListPrefix + name + dataSuffix;

        // Compressed (and encrypted) into the work directory first: the upload then has a known length and the SHA-1 is known before it.
        var compressed = Path.Combine(workDirectory, name + dataSuffix);
        string sha1;
        long size;
        Dictionary<string, string> metadata;
        try
        {
            await using (var source = File.OpenRead(segment.Path))
            await using (var target = new FileStream(compressed, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await using var stored = new HashingStream(target, leaveOpen: true);
                await using var age = encrypted ? new AgeEncryptingStream(stored, recipients!, leaveOpen: true) : null;
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                await using (var gzip = new GZipStream(age ?? (Stream)stored, CompressionLevel.Optimal, leaveOpen: true))
                {
                    var buffer = new byte[1 << 16];
                    int read;
                    size = 0;
                    while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await gzip.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        size += read;
                    }
                }

                if (age is not null)
                {
                    await age.CompleteAsync(cancellationToken);
                }

                var rawSha1 = Convert.ToHexStringLower(hash.GetHashAndReset());
                sha1 = encrypted ? stored.HexDigest() : rawSha1;
            }

            metadata = new Dictionary<string, string> { ["sha1"] = sha1 };
            await using (var upload = File.OpenRead(compressed))
            {
                var contentType = encrypted ? "application/octet-stream" : "application/gzip";
                await GuardAsync(dataKey, () => storage.UploadAsync(dataKey, upload, new UploadOptions(contentType, upload.Length, metadata), cancellationToken));
            }
        }
        finally
        {
            File.Delete(compressed);
        }

        var encryption = encrypted ? new LogEncryption(EncryptionFormat, recipients!.Select(r => r.ToString()).ToList()) : null;
        var index = new LogIndex(dataKey, segment.Name, segment.Node, segment.First, segment.Last, segment.FirstEventTime, segment.LastEventTime, sha1, size, clock.GetUtcNow(), gapAfter, segment.Previous, encryption);
        var bytes = index.ToJsonBytes();
        var indexKey = ListPrefix + name + IndexSuffix;
        await GuardAsync(indexKey, () => storage.UploadAsync(indexKey, new MemoryStream(bytes), new UploadOptions("application/json", bytes.Length, metadata), cancellationToken));
        return index;
    }

    /// <summary>Downloads <paramref name="index"/>'s file into <paramref name="path"/>, decrypted and uncompressed, and checks its size and SHA-1.</summary>
    /// <param name="index">The file to download.</param>
    /// <param name="path">Where the binlog goes.</param>
    /// <param name="identities">The identities to decrypt an encrypted file with (see <see cref="Stored.BackupKeys"/>); ignored for a plaintext one.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="BackupIntegrityException">The stored file is missing, not gzip, cannot be decrypted (wrong key, no key, damaged), or differs from its index.</exception>
    public async Task DownloadAsync(LogIndex index, string path, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        if (index.Encryption is not null && identities is null)
        {
            throw new ArgumentException("an encrypted binlog needs identities", nameof(identities));
        }

        var where = storage.WhereIs(index.DataKey);
        try
        {
            await using var stored = new HashingReadStream(await storage.OpenReadAsync(index.DataKey, cancellationToken), where);
            await using var age = index.Encryption is null ? null : await AgeDecryptingStream.OpenAsync(stored, identities!, cancellationToken, leaveOpen: true);
            var compressed = age ?? (Stream)stored;
            await using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            var buffer = new byte[1 << 16];
            long size = 0;
            int read;
            while ((read = await gzip.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += read;
                if (size > index.Size)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            // To the very end: the age layer authenticates its last chunk only there, and the SHA-1 is of every stored byte.
            if (size <= index.Size)
            {
                await compressed.CopyToAsync(Stream.Null, cancellationToken);
                await stored.CopyToAsync(Stream.Null, cancellationToken);
            }

            var sha1 = index.Encryption is null ? Convert.ToHexStringLower(hash.GetHashAndReset()) : stored.HexDigest();
            if (size != index.Size || sha1 != index.Sha1)
            {
                var what = index.Encryption is null ? "sha1" : "sha1 of the stored bytes";
                throw new BackupIntegrityException($"{where} does not match its index: {(size > index.Size ? $"more than {index.Size}" : size)} bytes, {what} {sha1}; expected {index.Size} bytes, {what} {index.Sha1}; nothing was replayed");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or BackupStorageException or AgeException)
        {
            throw new BackupIntegrityException(
                ex is AgeException { Failure: AgeFailure.NoMatchingIdentity }
                    ? $"{where} cannot be decrypted: {ex.Message.ReplaceLineEndings(" ")}; nothing was replayed"
                    : $"{where} cannot be read back ({ex.Message.ReplaceLineEndings(" ")}); nothing was replayed",
                ex);
        }
    }

    /// <summary>Deletes <paramref name="index"/>'s objects, the index first: a file without an index is never taken for part of the archive.</summary>
    public async Task DeleteAsync(IDeletableBackupStorage deletable, LogIndex index, CancellationToken cancellationToken)
    {
        var indexKey = index.DataKey[..^DataSuffixOf(index).Length] + IndexSuffix;
        await GuardAsync(indexKey, () => deletable.DeleteAsync(indexKey, cancellationToken));
        await GuardAsync(index.DataKey, () => deletable.DeleteAsync(index.DataKey, cancellationToken));
    }

    private static IReadOnlyList<LogIndex> Ordered(List<LogIndex> indexes) =>
        [.. indexes.OrderBy(i => i.First.Sequence).ThenBy(i => i.Last.Sequence).ThenBy(i => i.DataKey, StringComparer.Ordinal)];

    // Node and file names come from the server: anything outside the safe set becomes '_'.
    private static string Safe(string text) =>
        string.Concat(text.Select(c => ArtifactNames.SafeNameCharacters.Contains(c, StringComparison.Ordinal) ? c : '_'));

    private async Task<LogIndex?> ReadIndexAsync(string key, CancellationToken cancellationToken)
    {
        await using var stream = await storage.OpenReadAsync(key, cancellationToken);
        var buffer = new byte[LogIndex.MaxBytes + 1];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var index = length > LogIndex.MaxBytes ? null : LogIndex.Parse(buffer.AsSpan(0, length));

        // An index names a key in its own folder, never another job's object, and its name says whether it is encrypted.
        return index is not null && index.DataKey.StartsWith(ListPrefix, StringComparison.Ordinal) && index.DataKey.EndsWith(DataSuffixOf(index), StringComparison.Ordinal) ? index : null;
    }

    private static string DataSuffixOf(LogIndex index) => index.Encryption is null ? DataSuffix : EncryptedDataSuffix;

    private async Task GuardAsync(string key, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is not BackupException and not OperationCanceledException)
        {
            throw new BackupStorageException($"{storage.WhereIs(key)}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }
}
