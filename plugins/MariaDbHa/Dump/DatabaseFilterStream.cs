using System.Buffers;

namespace Backup.Plugins.MariaDbHa.Dump;

/// <summary>Reads a dump and passes on only its header and the sections of the chosen databases (see <see cref="DumpSections"/>).</summary>
/// <remarks>The bytes of other sections are read and dropped; memory is one read buffer plus the scanner's few KiB.</remarks>
internal sealed class DatabaseFilterStream : Stream
{
    private readonly Stream _inner;
    private readonly IReadOnlySet<string> _databases;
    private readonly DumpSections _sections = new();
    private readonly ArrayBufferWriter<byte> _output = new(1 << 17);
    private readonly byte[] _input = new byte[1 << 16];
    private int _outputRead;
    private bool _ended;

    /// <summary>Filters <paramref name="inner"/> (disposed with this stream) to the header and the sections of <paramref name="databases"/>.</summary>
    public DatabaseFilterStream(Stream inner, IReadOnlySet<string> databases)
    {
        _inner = inner;
        _databases = databases;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outputRead == _output.WrittenCount && !_ended)
        {
            Refill(await _inner.ReadAsync(_input, cancellationToken).ConfigureAwait(false));
        }

        return Take(buffer.Span);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_outputRead == _output.WrittenCount && !_ended)
        {
            Refill(_inner.Read(_input));
        }

        return Take(buffer.AsSpan(offset, count));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Refill(int read)
    {
        _output.ResetWrittenCount();
        _outputRead = 0;
        if (read == 0)
        {
            _ended = true;
            _sections.Complete();
            return;
        }

        _sections.Feed(_input.AsSpan(0, read), (bytes, database) =>
        {
            if (database is null || _databases.Contains(database))
            {
                _output.Write(bytes);
            }
        });
    }

    private int Take(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _output.WrittenCount - _outputRead);
        _output.WrittenSpan.Slice(_outputRead, count).CopyTo(buffer);
        _outputRead += count;
        return count;
    }
}
