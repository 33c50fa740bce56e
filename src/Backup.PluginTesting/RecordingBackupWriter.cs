using System.Security.Cryptography;
using Backup.Abstractions;

namespace Backup.PluginTesting;

/// <summary>An <see cref="IBackupWriter"/> that checks entry names as the host does and records each entry's name, length and SHA-1, holding no content.</summary>
/// <remarks>
/// Like the host's writers it refuses an invalid or repeated name (<see cref="ArgumentException"/>) and discards an entry
/// whose content delegate throws. <see cref="FirstBytesWritten"/> lets a test act (e.g. cancel) once a source is
/// really writing; writes after <see cref="CancelWritesWith"/>'s token is cancelled throw, as the host's pipe does.
/// </remarks>
public sealed class RecordingBackupWriter : IBackupWriter
{
    private readonly List<RecordedEntry> _entries = [];
    private readonly List<string> _started = [];
    private CancellationToken _writesCancelled;

    /// <summary>The entries written completely, in order.</summary>
    public IReadOnlyList<RecordedEntry> Entries => _entries;

    /// <summary>Every entry name a source asked for, valid or not, in order.</summary>
    public IReadOnlyList<string> RequestedNames => _started;

    /// <summary>Called once, when the first byte of any entry is written.</summary>
    public Action? FirstBytesWritten { get; set; }

    /// <summary>From when <paramref name="token"/> is cancelled, every write throws <see cref="OperationCanceledException"/>.</summary>
    public void CancelWritesWith(CancellationToken token) => _writesCancelled = token;

    /// <inheritdoc />
    public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        _started.Add(entryName);
        if (!BackupEntryName.IsValid(entryName))
        {
            throw new ArgumentException($"entry name '{entryName}' is not valid (see {nameof(BackupEntryName)}.{nameof(BackupEntryName.IsValid)})", nameof(entryName));
        }

        if (_entries.Any(e => e.Name == entryName))
        {
            throw new ArgumentException($"entry '{entryName}' was already written", nameof(entryName));
        }

        await using var sink = new HashingSink(this);
        await writeContent(sink, cancellationToken);
        _entries.Add(new RecordedEntry(entryName, sink.Length, sink.Sha1()));
    }

    private sealed class HashingSink(RecordingBackupWriter owner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        private long Written { get; set; }

        public string Sha1() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            owner._writesCancelled.ThrowIfCancellationRequested();
            if (buffer.Length > 0 && owner.FirstBytesWritten is { } first)
            {
                owner.FirstBytesWritten = null;
                first();

                // A cancellation the callback caused hits this very write, as it would a write into the host's pipe.
                owner._writesCancelled.ThrowIfCancellationRequested();
            }

            _hash.AppendData(buffer);
            Written += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
