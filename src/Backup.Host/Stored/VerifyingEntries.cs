using System.IO.Pipelines;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>The one entry of a streaming backup, verified while an <see cref="IDiscardingRestoreSource"/> reads it: one download, no temp copy.</summary>
/// <remarks>
/// The verifier (<see cref="ArchiveVerifier"/>, the same checks as <c>backup verify</c>) runs beside the source once it
/// opens the entry, and pushes the entry's bytes through a bounded pipe as it reads them; the source reads the other
/// end. The pipe is completed only when the verifier has returned, so the source reaches the entry's end only after its
/// size and SHA-1, the compression's own checks and the stored object's <c>.sha1</c> all matched. On a mismatch its
/// read throws the verifier's failure instead, and the <see cref="IntegrityWatch"/> cancels the restore.
/// </remarks>
internal sealed class VerifyingEntries : IBackupReader, IAsyncDisposable
{
    // Enough to keep both sides busy (the verifier decompresses and hashes, the source feeds a child process); bounded,
    // so a slow target holds the download back instead of filling memory.
    private static readonly PipeOptions Buffering = new(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false);

    private readonly IReadableBackupStorage _storage;
    private readonly StoredBackup _backup;
    private readonly BackupManifest _manifest;
    private readonly IReadOnlyList<AgeIdentity>? _identities;
    private readonly IntegrityWatch _watch;
    private readonly ProgressMeter _downloaded;
    private readonly ProgressMeter _loaded;
    private readonly CancellationTokenSource _stop;
    private readonly Pipe _pipe = new(Buffering);
    private Task<VerifiedBackup>? _verifying;

    /// <summary>Prepares the entry of <paramref name="backup"/>, as the <paramref name="manifest"/> beside it describes it; nothing is downloaded before the source opens it.</summary>
    public VerifyingEntries(
        IReadableBackupStorage storage,
        StoredBackup backup,
        BackupManifest manifest,
        IReadOnlyList<AgeIdentity>? identities,
        IntegrityWatch watch,
        ProgressMeter downloaded,
        ProgressMeter loaded,
        CancellationToken cancellationToken)
    {
        (_storage, _backup, _manifest, _identities, _watch, _downloaded, _loaded) = (storage, backup, manifest, identities, watch, downloaded, loaded);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        EntryNames = [.. manifest.Entries.Select(e => e.Name)];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> EntryNames { get; }

    /// <inheritdoc />
    /// <remarks>The entry is read once, as it downloads: a second open is refused.</remarks>
    public Task<Stream> OpenAsync(string entryName, CancellationToken cancellationToken)
    {
        if (!EntryNames.Contains(entryName))
        {
            throw new ArgumentException($"the backup has no entry '{entryName}' (entries: {string.Join(", ", EntryNames)})", nameof(entryName));
        }

        if (_verifying is not null)
        {
            throw new InvalidOperationException($"entry '{entryName}' is verified while it downloads, so it can be read only once");
        }

        _verifying = VerifyAsync(new PipeSink(_pipe.Writer));
        return Task.FromResult<Stream>(new MeteredReadStream(_pipe.Reader.AsStream(), _loaded));
    }

    /// <summary>After the source has returned: the backup as verified. Verifies what the source did not read (or all of it, if it opened nothing); throws what the verifier found.</summary>
    public async Task<VerifiedBackup> CompleteAsync()
    {
        // A source that stopped reading early must not hold the verifier at a full pipe.
        await _pipe.Reader.CompleteAsync();
        return await (_verifying ??= VerifyAsync(null));
    }

    /// <summary>After the source has failed: stops the verifier and returns its own failure, if it had one (then it is the cause of the source's), else null.</summary>
    public async Task<Exception?> AbandonAsync()
    {
        if (_verifying is null)
        {
            return null;
        }

        if (!_verifying.IsCompleted)
        {
            await _stop.CancelAsync();
        }

        try
        {
            await _verifying;
            return null;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped by the source's failure (or the run's cancellation, which the source's failure then reports).
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await AbandonAsync();
        _stop.Dispose();
    }

    private async Task<VerifiedBackup> VerifyAsync(PipeSink? sink)
    {
        // Off the caller's thread: the source reads while this downloads, decompresses and hashes.
        await Task.Yield();
        try
        {
            var verified = await ArchiveVerifier.VerifyAsync(
                _storage, _backup, null, sink is null ? null : _ => sink, _stop.Token, _identities, _downloaded, _manifest);
            await _pipe.Writer.CompleteAsync();
            return verified;
        }
        catch (Exception ex)
        {
            if (ex is BackupIntegrityException integrity)
            {
                _watch.Report(integrity);
            }

            await _pipe.Writer.CompleteAsync(ex);
            throw;
        }
    }

    /// <summary>The verifier's sink for the entry: writes into the pipe, and keeps it open when the verifier disposes it (the end is the verifier's outcome, set above).</summary>
    private sealed class PipeSink(PipeWriter writer) : Stream
    {
        private bool _readerGone;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // Once the source has stopped reading, the rest is verified without being kept.
            if (!_readerGone)
            {
                _readerGone = (await writer.WriteAsync(buffer, cancellationToken)).IsCompleted;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
