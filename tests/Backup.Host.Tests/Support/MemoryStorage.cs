using System.Runtime.CompilerServices;
using Backup.Abstractions;

namespace Backup.Host.Tests.Support;

/// <summary>A readable, deletable, create-only storage in memory; <see cref="FailReadsAfter"/> makes downloads break like a dropped connection.</summary>
internal sealed class MemoryStorage : IReadableBackupStorage, IDeletableBackupStorage, ICreateOnlyBackupStorage
{
    private readonly List<(string Key, UploadOptions Options, bool CanSeek)> _uploads = [];

    public Dictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Every successful upload, in order, with its options and whether the content stream could seek.</summary>
    public IReadOnlyList<(string Key, UploadOptions Options, bool CanSeek)> Uploads => _uploads;

    /// <summary>Uploads of a key ending with this fail after reading the content (nothing is stored: all-or-nothing).</summary>
    public string? FailKeysEndingWith { get; init; }

    /// <summary>When set, reads of any object throw <see cref="IOException"/> after this many bytes.</summary>
    public int? FailReadsAfter { get; set; }

    /// <summary>What a create-only upload reports as the store's timestamp of the new object; null reports none.</summary>
    public DateTimeOffset? StampAt { get; set; }

    public string Location => "memory:";

    public async Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        if (FailKeysEndingWith is { } suffix && key.EndsWith(suffix, StringComparison.Ordinal))
        {
            throw new BackupStorageException($"memory: refused {key}");
        }

        Objects[key] = copy.ToArray();
        _uploads.Add((key, options, content.CanSeek));
    }

    /// <summary>Refuses a taken key before reading any content, as a store that checks first (an S3 HEAD, a GCS session start) does.</summary>
    public async Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        if (Objects.ContainsKey(key))
        {
            throw new BackupObjectExistsException(Location, key);
        }

        await UploadAsync(key, content, options, cancellationToken);
        return StampAt;
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var (key, bytes) in Objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            yield return new StoredObject(key, bytes.Length, DateTimeOffset.UnixEpoch);
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!Objects.TryGetValue(key, out var bytes))
        {
            throw new BackupStorageException($"memory: {key} does not exist");
        }

        Stream stream = new MemoryStream(bytes, writable: false);
        return Task.FromResult(FailReadsAfter is { } limit ? new BreakingStream(stream, limit) : stream);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Objects.Remove(key);
        return Task.CompletedTask;
    }

    private sealed class BreakingStream(Stream inner, int limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= limit)
            {
                throw new IOException("connection reset by peer");
            }

            var read = inner.Read(buffer, offset, (int)Math.Min(count, limit - _read));
            _read += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
