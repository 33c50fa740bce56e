using System.Security.Cryptography;

namespace Backup.Host.Pipeline;

/// <summary>The stream a source writes one entry into: chunk files handed to the upload as they fill, the whole entry hashed.</summary>
internal sealed partial class ChunkedEntryWriter
{
    private sealed class EntryStream(ChunkedEntryWriter owner, string entryName) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        private FileStream? _chunk;
        private long _inChunk;
        private long _length;

        /// <summary>Chunks handed to the upload so far.</summary>
        public int Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        /// <summary>The lower-case hex SHA-1 of the whole entry; call once, after <see cref="FinishAsync"/>.</summary>
        public string HexDigest() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        /// <summary>Hands over the last chunk; an empty entry (or one ending exactly on a chunk boundary with no chunk yet) becomes one empty chunk.</summary>
        public async Task FinishAsync(CancellationToken cancellationToken)
        {
            if (_chunk is not null || Count == 0)
            {
                await SealAsync(cancellationToken);
            }
        }

        /// <summary>Closes the chunk being filled, after a failure; its file is reused or removed with the workspace.</summary>
        public void Abort()
        {
            _chunk?.Dispose();
            _chunk = null;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        // Sources may write synchronously from a thread of their own (mariadb-ha's blocking pipe reader): the same path, blocking.
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                var take = Take(buffer.Length);
                try
                {
                    _chunk!.Write(buffer[..take]);
                }
                catch (Exception ex) when (owner.RecordFull(ex, entryName, Count, _length) is { } full)
                {
                    throw full;
                }

                Account(buffer[..take]);
                buffer = buffer[take..];
                if (_inChunk == owner._chunkBytes)
                {
                    SealAsync(CancellationToken.None).GetAwaiter().GetResult();
                }
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
            {
                var take = Take(buffer.Length);
                try
                {
                    await _chunk!.WriteAsync(buffer[..take], cancellationToken);
                }
                catch (Exception ex) when (owner.RecordFull(ex, entryName, Count, _length) is { } full)
                {
                    throw full;
                }

                Account(buffer.Span[..take]);
                buffer = buffer[take..];
                if (_inChunk == owner._chunkBytes)
                {
                    await SealAsync(cancellationToken);
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Abort();
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }

        // Opens the next chunk file when none is being filled; returns how many of `available` bytes fit in it.
        private int Take(int available)
        {
            if (_chunk is null)
            {
                var path = owner.NextChunkPath();
                _chunk = Guard(() => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.Asynchronous));
                _inChunk = 0;
            }

            return (int)Math.Min(available, owner._chunkBytes - _inChunk);
        }

        private void Account(ReadOnlySpan<byte> written)
        {
            _hash.AppendData(written);
            _inChunk += written.Length;
            _length += written.Length;
            owner._meter?.Add(written.Length);
        }

        private async Task SealAsync(CancellationToken cancellationToken)
        {
            if (Count == EntryChunks.MaxCount)
            {
                throw new InvalidOperationException(
                    $"entry '{entryName}' needs more than {EntryChunks.MaxCount:N0} chunks of {owner._chunkBytes:N0} bytes; raise pipeline.archiveChunkMiB");
            }

            string path;
            if (_chunk is null)
            {
                // An empty entry: still one (empty) chunk, so every entry has at least one.
                path = owner.NextChunkPath();
                Guard(() => File.WriteAllBytes(path, []));
            }
            else
            {
                path = _chunk.Name;
                // Closed here: closing flushes, and a flush into a full disk fails too.
                Guard(() => _chunk.Dispose());
                _chunk = null;
            }

            await owner.SendChunkAsync(EntryChunks.NameOf(entryName, Count), path, cancellationToken);
            Count++;
        }

        private void Guard(Action write) => Guard(() =>
        {
            write();
            return true;
        });

        private T Guard<T>(Func<T> write)
        {
            try
            {
                return write();
            }
            catch (Exception ex) when (owner.RecordFull(ex, entryName, Count, _length) is { } full)
            {
                throw full;
            }
        }
    }
}
