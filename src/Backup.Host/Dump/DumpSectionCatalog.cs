namespace Backup.Host.Dump;

/// <summary>A write-only sink that lists the database sections of the dump written into it, for a restore to check <c>--database</c> names before loading anything.</summary>
internal sealed class DumpSectionCatalog : Stream
{
    private readonly DumpSectionSplitter _splitter = new(static (_, _) => { });
    private bool _completed;

    /// <summary>The databases with a section, in dump order; complete once the stream is flushed or disposed.</summary>
    public IReadOnlyList<string> Databases => _splitter.Databases;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _splitter.Feed(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <summary>Ends the dump: the last held-back bytes are scanned.</summary>
    public override void Flush()
    {
        if (!_completed)
        {
            _completed = true;
            _splitter.Complete();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
