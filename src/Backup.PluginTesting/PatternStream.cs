using System.Security.Cryptography;

namespace Backup.PluginTesting;

/// <summary>A read-only stream of deterministic pseudo-random bytes that is never held in memory, optionally non-seekable or failing.</summary>
/// <remarks>
/// Lets a test upload hundreds of megabytes and compare hashes without a copy of the data in memory. A seekable one
/// really seeks: SDKs rewind a seekable body before each attempt (Azure.Core does so even on the first), so a stream
/// that says <see cref="CanSeek"/> but throws from <see cref="Seek"/> breaks correct clients.
/// </remarks>
public sealed class PatternStream : Stream
{
    private readonly long _length;
    private readonly bool _seekable;
    private readonly long? _failAt;
    private readonly Action<long>? _progress;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private long _position;

    /// <summary>Creates a stream of <paramref name="length"/> bytes.</summary>
    /// <param name="length">Total bytes.</param>
    /// <param name="seekable">False to hide the length, as a streaming pipeline does.</param>
    /// <param name="failAt">Throw an <see cref="IOException"/> when reading reaches this offset.</param>
    /// <param name="progress">Called with the number of bytes read so far after each read (e.g. to cancel mid-upload).</param>
    public PatternStream(long length, bool seekable = true, long? failAt = null, Action<long>? progress = null)
    {
        _length = length;
        _seekable = seekable;
        _failAt = failAt;
        _progress = progress;
    }

    /// <summary>The SHA-1 (hex) of the content up to the current position; after reading to the end, of the whole content.</summary>
    public string Sha1OfBytesRead() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <summary>The SHA-1 (hex) of the whole content of a stream of <paramref name="length"/> bytes, computed without holding it.</summary>
    public static string Sha1Of(long length)
    {
        using var stream = new PatternStream(length, seekable: false);
        stream.CopyTo(Null, 1 << 20);
        return stream.Sha1OfBytesRead();
    }

    /// <summary>The byte at <paramref name="offset"/>: cheap to compute, varied enough that a shifted or repeated block is caught.</summary>
    public static byte ByteAt(long offset) => (byte)((offset * 2654435761L >> 13) ^ (offset >> 20));

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => _seekable;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _seekable ? _length : throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => _seekable ? _position : throw new NotSupportedException();
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (_failAt is { } failAt && _position + buffer.Length >= failAt)
        {
            throw new IOException($"simulated read failure at byte {failAt}");
        }

        var count = (int)Math.Max(0, Math.Min(buffer.Length, _length - _position));
        Fill(buffer[..count], _position);
        _hash.AppendData(buffer[..count]);
        _position += count;
        _progress?.Invoke(_position);
        return count;
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        if (!_seekable)
        {
            throw new NotSupportedException();
        }

        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException("cannot seek before the beginning of the stream");
        }

        if (target != _position)
        {
            // Keep the hash that of bytes 0..Position, as if read once in order: a retry re-reads what it rewound over.
            _hash.GetHashAndReset();
            var chunk = new byte[1 << 16];
            for (long at = 0; at < Math.Min(target, _length); at += chunk.Length)
            {
                var span = chunk.AsSpan(0, (int)Math.Min(chunk.Length, Math.Min(target, _length) - at));
                Fill(span, at);
                _hash.AppendData(span);
            }

            _position = target;
        }

        return _position;
    }

    private static void Fill(Span<byte> buffer, long offset)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ByteAt(offset + i);
        }
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
