using System.Formats.Tar;
using Backup.Host.Pipeline;
using Backup.Host.Spec;

namespace Backup.Host.Stored;

/// <summary>Reads a backup's tar as the entries the source wrote: the chunks of an entry (<c>name.000000</c>, <c>name.000001</c>, ...) come back joined as one stream.</summary>
/// <remarks>
/// <para>Every reader of a <c>.tar.gz</c> goes through this, so the join is done in one place. The layout is told by the
/// first tar entry: <c>manifest.json</c> first is the layout of <c>pipeline.archiveChunkMiB: 0</c> (and of every backup
/// made before chunks), where each tar entry is a whole entry; otherwise entries are chunked and the manifest is last.</para>
/// <para>Each entry's <see cref="Entry.Data"/> is valid until the next <see cref="NextAsync"/>, which skips what is
/// left of it. A chunk larger than <see cref="PipelineSpec.MaxArchiveChunkMiB"/>, or one out of order, is damage.</para>
/// </remarks>
internal sealed class ArchiveEntries(TarReader tar)
{
    private const long MaxChunkBytes = (long)PipelineSpec.MaxArchiveChunkMiB << 20;

    private TarEntry? _lookahead;
    private bool _started;
    private Stream? _current;

    /// <summary>Whether the archive is in the chunked layout (known after the first <see cref="NextAsync"/>).</summary>
    public bool Chunked { get; private set; }

    /// <summary>The next entry (the manifest included, by its own name), or null after the last.</summary>
    /// <exception cref="InvalidDataException">A tar entry is not a regular file, or chunks are out of order or too large.</exception>
    public async Task<Entry?> NextAsync(CancellationToken cancellationToken)
    {
        if (_current is not null)
        {
            await _current.CopyToAsync(Stream.Null, cancellationToken);
            _current = null;
        }

        var member = await NextMemberAsync(cancellationToken);
        if (!_started)
        {
            _started = true;
            Chunked = member is not null && member.Name != BackupManifest.EntryName;
        }

        if (member is null)
        {
            return null;
        }

        if (!Chunked || member.Name == BackupManifest.EntryName)
        {
            _current = member.DataStream ?? Stream.Null;
            return new Entry(member.Name, _current);
        }

        if (!EntryChunks.TryParse(member.Name, out var name, out var index) || index != 0)
        {
            throw new InvalidDataException($"entry '{member.Name}' is not the first chunk of an entry (<name>.{EntryChunks.NameOf("", 0)[1..]}) in a chunked archive");
        }

        var joined = new JoinedChunks(this, name, member);
        _current = joined;
        return new Entry(name, joined);
    }

    private async Task<TarEntry?> NextMemberAsync(CancellationToken cancellationToken)
    {
        var member = _lookahead ?? await tar.GetNextEntryAsync(copyData: false, cancellationToken);
        _lookahead = null;
        if (member is not null && member.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw new InvalidDataException($"entry '{member.Name}' ({member.EntryType}) is not a file");
        }

        return member;
    }

    /// <summary>One entry as the source wrote it.</summary>
    /// <param name="Name">Its name (for chunks: without the chunk number).</param>
    /// <param name="Data">Its bytes.</param>
    internal sealed record Entry(string Name, Stream Data)
    {
        /// <summary>How many chunks were read so far (all of them once <see cref="Data"/> is read to its end), or null in the whole-entry layout.</summary>
        public int? Chunks => (Data as JoinedChunks)?.Count;
    }

    // Reads one chunk after another while the next tar entry is the next chunk of the same entry; the first tar entry
    // that is not is kept for the next NextAsync.
    private sealed class JoinedChunks : Stream
    {
        private readonly ArchiveEntries _owner;
        private readonly string _name;
        private Stream? _chunk;

        public JoinedChunks(ArchiveEntries owner, string name, TarEntry first)
        {
            _owner = owner;
            _name = name;
            _chunk = Open(first);
        }

        public int Count { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_chunk is not null)
            {
                var read = await _chunk.ReadAsync(buffer, cancellationToken);
                if (read > 0 || buffer.IsEmpty)
                {
                    return read;
                }

                var next = await _owner.NextMemberAsync(cancellationToken);
                if (next is not null && EntryChunks.TryParse(next.Name, out var name, out var index) && name == _name && index == Count)
                {
                    _chunk = Open(next);
                }
                else
                {
                    _owner._lookahead = next;
                    _chunk = null;
                }
            }

            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private Stream Open(TarEntry chunk)
        {
            if (chunk.Length > MaxChunkBytes)
            {
                throw new InvalidDataException($"chunk '{chunk.Name}' is {chunk.Length:N0} bytes, more than the largest chunk ({MaxChunkBytes:N0} bytes)");
            }

            Count++;
            return chunk.DataStream ?? Stream.Null;
        }
    }
}
