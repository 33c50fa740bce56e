using System.Buffers;
using Backup.Host.Pipeline;

namespace Backup.Host.Dump;

/// <summary>Reads a dump and passes on only its header and the sections of the chosen databases: how <c>restore --database</c> loads part of an all-databases dump.</summary>
/// <remarks>
/// The sections are found by <see cref="DumpSectionScanner"/> (markers at statement boundaries only). The bytes of
/// other sections are read and dropped; memory is one read buffer plus the scanner's few KiB.
/// </remarks>
internal sealed class DatabaseFilterStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly DumpSectionSplitter _splitter;
    private readonly ArrayBufferWriter<byte> _output = new(1 << 17);
    private readonly byte[] _input = new byte[1 << 16];
    private int _outputRead;
    private bool _ended;

    /// <summary>Filters <paramref name="inner"/> (disposed with this stream) to the header and the sections of <paramref name="databases"/>.</summary>
    public DatabaseFilterStream(Stream inner, IReadOnlySet<string> databases)
    {
        _inner = inner;
        _splitter = new DumpSectionSplitter((bytes, database) =>
        {
            if (database is null || databases.Contains(database))
            {
                _output.Write(bytes);
            }
        });
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outputRead == _output.WrittenCount && !_ended)
        {
            _output.ResetWrittenCount();
            _outputRead = 0;
            var read = await _inner.ReadAsync(_input, cancellationToken);
            if (read == 0)
            {
                _ended = true;
                _splitter.Complete();
            }
            else
            {
                _splitter.Feed(_input.AsSpan(0, read));
            }
        }

        var count = Math.Min(buffer.Length, _output.WrittenCount - _outputRead);
        _output.WrittenSpan.Slice(_outputRead, count).CopyTo(buffer.Span);
        _outputRead += count;
        return count;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
