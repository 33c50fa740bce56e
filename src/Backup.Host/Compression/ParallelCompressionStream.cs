namespace Backup.Host.Compression;

/// <summary>A write-only stream that cuts its input into blocks, compresses up to N blocks at once and writes the results in order.</summary>
/// <remarks>
/// The output is a run of independent gzip members or zstd frames (see <see cref="BlockCodec"/>). Memory is bounded by the
/// settings, not by the data: at most one block being filled plus <c>threads</c> blocks in flight, each with an input and an
/// output buffer, so at most 2 x threads + 1 buffers, reused. A writer that gets ahead waits for the oldest block.
/// Call <see cref="CompleteAsync"/> to write the last block; disposing without it abandons the output (nothing more is
/// written), which is what a failed or cancelled run wants. Not thread-safe: one writer at a time.
/// </remarks>
internal sealed class ParallelCompressionStream : Stream
{
    private readonly Stream _inner;
    private readonly BlockCodec _codec;
    private readonly int _threads;
    private readonly int _blockSize;
    private readonly bool _leaveOpen;
    private readonly Queue<Task<CompressedBlock>> _inFlight = new();
    private readonly Stack<byte[]> _idleInputs = new();
    private readonly Stack<byte[]> _idleOutputs = new();
    private byte[]? _current;
    private int _filled;
    private long _written;
    private bool _anyBlock;
    private bool _completed;

    /// <summary>Creates the stream over <paramref name="inner"/>.</summary>
    public ParallelCompressionStream(Stream inner, BlockCodec codec, int threads, int blockSize, bool leaveOpen = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        _inner = inner;
        _codec = codec;
        _threads = threads;
        _blockSize = blockSize;
        _leaveOpen = leaveOpen;
    }

    /// <summary>How many buffers (input and output) this stream has allocated: bounded by 2 x threads + 1 whatever the data size.</summary>
    public int BuffersAllocated { get; private set; }

    /// <summary>Uncompressed bytes accepted so far.</summary>
    public long BytesIn => _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    /// <summary>Compresses what is buffered, writes every block still in flight in order, and flushes the inner stream.</summary>
    /// <remarks>An empty input still produces one (empty) member or frame, so the object is a valid compressed file.</remarks>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_filled > 0 || !_anyBlock)
        {
            await SubmitAsync(cancellationToken);
        }

        while (_inFlight.Count > 0)
        {
            await WriteOldestAsync(cancellationToken);
        }

        _completed = true;
        await _inner.FlushAsync(cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    // Synchronous callers (e.g. TarWriter's header writes) block here; the thread pool does the compression either way.
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var take = Append(buffer);
            buffer = buffer[take..];
            if (_filled == _blockSize)
            {
                SubmitAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var take = Append(buffer.Span);
            buffer = buffer[take..];
            if (_filled == _blockSize)
            {
                await SubmitAsync(cancellationToken);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // A flush cannot push out a partial block without ending a member early; blocks go out as they fill, and CompleteAsync ends the stream.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await AbandonAsync();
        if (!_leaveOpen)
        {
            await _inner.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AbandonAsync().AsTask().GetAwaiter().GetResult();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private int Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _current ??= Rent(_idleInputs, _blockSize);
        var take = Math.Min(data.Length, _blockSize - _filled);
        data[..take].CopyTo(_current.AsSpan(_filled));
        _filled += take;
        _written += take;
        return take;
    }

    private async Task SubmitAsync(CancellationToken cancellationToken)
    {
        if (_inFlight.Count >= _threads)
        {
            await WriteOldestAsync(cancellationToken);
        }

        var input = _current ?? Rent(_idleInputs, _blockSize);
        var length = _filled;
        var output = Rent(_idleOutputs, _codec.MaxOutputLength(_blockSize));
        _current = null;
        _filled = 0;
        _anyBlock = true;
        _inFlight.Enqueue(Task.Run(() => new CompressedBlock(input, output, _codec.Compress(input.AsSpan(0, length), output)), CancellationToken.None));
    }

    private async Task WriteOldestAsync(CancellationToken cancellationToken)
    {
        var block = await _inFlight.Dequeue();
        _idleInputs.Push(block.Input);
        try
        {
            await _inner.WriteAsync(block.Output.AsMemory(0, block.Length), cancellationToken);
        }
        finally
        {
            _idleOutputs.Push(block.Output);
        }
    }

    // Waits for the workers (they hold our buffers) but writes nothing: a stream not completed must not look complete.
    private async ValueTask AbandonAsync()
    {
        while (_inFlight.Count > 0)
        {
            try
            {
                await _inFlight.Dequeue();
            }
            catch (Exception)
            {
                // The run already failed for another reason; this block's output is discarded anyway.
            }
        }

        _completed = true;
    }

    private byte[] Rent(Stack<byte[]> idle, int size)
    {
        if (idle.TryPop(out var buffer))
        {
            return buffer;
        }

        BuffersAllocated++;
        return new byte[size];
    }

    private readonly record struct CompressedBlock(byte[] Input, byte[] Output, int Length);
}
