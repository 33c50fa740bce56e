using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Stored;

namespace Backup.Host.PointInTime;

/// <summary>A job's archived log files in its storage: <c>&lt;prefix&gt;/binlogs/&lt;name&gt;.gz</c> (gzip) and, written after it, <c>&lt;name&gt;.json</c> (its <see cref="LogIndex"/>).</summary>
/// <remarks>
/// The index goes last, as a backup's <c>.sha1</c> does: a file whose upload failed has no index and counts for
/// nothing. An index whose file is gone is reported as missing, and the archive then has a gap there.
/// </remarks>
internal sealed class LogArchive(IReadableBackupStorage storage, string prefix)
{
    /// <summary>The folder under the job's prefix.</summary>
    public const string Folder = "binlogs";

    private const string DataSuffix = ".gz";
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

    /// <summary>Compresses <paramref name="segment"/>'s file into the storage, then stores its index; returns the index.</summary>
    public async Task<LogIndex> StoreAsync(LogSegment segment, LogPosition? gapAfter, string workDirectory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var name = $"{segment.First.Stream}-{segment.First.Sequence.ToString("D20", CultureInfo.InvariantCulture)}-{Safe(segment.Node)}-{Safe(segment.Name)}";
        var dataKey = ListPrefix + name + DataSuffix;

        // Compressed into the work directory first: the upload then has a known length and the SHA-1 is known before it.
        var compressed = Path.Combine(workDirectory, name + DataSuffix);
        string sha1;
        long size;
        Dictionary<string, string> metadata;
        try
        {
            await using (var source = File.OpenRead(segment.Path))
            await using (var target = new FileStream(compressed, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                await using var gzip = new GZipStream(target, CompressionLevel.Optimal, leaveOpen: true);
                var buffer = new byte[1 << 16];
                int read;
                size = 0;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await gzip.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    size += read;
                }

                sha1 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            metadata = new Dictionary<string, string> { ["sha1"] = sha1 };
            await using (var upload = File.OpenRead(compressed))
            {
                await GuardAsync(dataKey, () => storage.UploadAsync(dataKey, upload, new UploadOptions("application/gzip", upload.Length, metadata), cancellationToken));
            }
        }
        finally
        {
            File.Delete(compressed);
        }

        var index = new LogIndex(dataKey, segment.Name, segment.Node, segment.First, segment.Last, segment.FirstEventTime, segment.LastEventTime, sha1, size, clock.GetUtcNow(), gapAfter, segment.Previous);
        var bytes = index.ToJsonBytes();
        var indexKey = ListPrefix + name + IndexSuffix;
        await GuardAsync(indexKey, () => storage.UploadAsync(indexKey, new MemoryStream(bytes), new UploadOptions("application/json", bytes.Length, metadata), cancellationToken));
        return index;
    }

    /// <summary>Downloads <paramref name="index"/>'s file into <paramref name="path"/>, uncompressed, and checks its size and SHA-1.</summary>
    /// <exception cref="BackupIntegrityException">The stored file is missing, not gzip, or differs from its index.</exception>
    public async Task DownloadAsync(LogIndex index, string path, CancellationToken cancellationToken)
    {
        var where = storage.WhereIs(index.DataKey);
        try
        {
            await using var stored = await storage.OpenReadAsync(index.DataKey, cancellationToken);
            await using var gzip = new GZipStream(stored, CompressionMode.Decompress);
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

            var sha1 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (size != index.Size || sha1 != index.Sha1)
            {
                throw new BackupIntegrityException($"{where} does not match its index: {(size > index.Size ? $"more than {index.Size}" : size)} bytes, sha1 {sha1}; expected {index.Size} bytes, sha1 {index.Sha1}; nothing was replayed");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or BackupStorageException)
        {
            throw new BackupIntegrityException($"{where} cannot be read back ({ex.Message.ReplaceLineEndings(" ")}); nothing was replayed", ex);
        }
    }

    /// <summary>Deletes <paramref name="index"/>'s objects, the index first: a file without an index is never taken for part of the archive.</summary>
    public async Task DeleteAsync(IDeletableBackupStorage deletable, LogIndex index, CancellationToken cancellationToken)
    {
        var indexKey = index.DataKey[..^DataSuffix.Length] + IndexSuffix;
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

        // An index names a key in its own folder, never another job's object.
        return index is not null && index.DataKey.StartsWith(ListPrefix, StringComparison.Ordinal) && index.DataKey.EndsWith(DataSuffix, StringComparison.Ordinal) ? index : null;
    }

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
