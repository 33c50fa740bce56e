namespace Backup.MariaDb;

/// <summary>A write-only pass-through stream that counts the bytes written: how a source measures the stream a client program writes into its entry.</summary>
/// <remarks>A subclass sees every write first through <see cref="Observe"/> (e.g. to keep a dump's head and tail).</remarks>
internal class CountingWriteStream(Stream inner) : Stream
{
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    /// <summary>The bytes written so far.</summary>
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public sealed override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        Seen(buffer);
        inner.Write(buffer);
    }

    public sealed override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Seen(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override void Flush() => inner.Flush();

    public sealed override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Sees <paramref name="data"/> before it is passed on; <see cref="Length"/> does not count it yet.</summary>
    protected virtual void Observe(ReadOnlySpan<byte> data)
    {
    }

    private void Seen(ReadOnlySpan<byte> data)
    {
        Observe(data);
        _length += data.Length;
    }
}
