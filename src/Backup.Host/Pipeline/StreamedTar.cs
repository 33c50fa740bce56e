using System.Formats.Tar;
using System.Threading.Channels;

namespace Backup.Host.Pipeline;

/// <summary>One attempt at uploading a chunked archive: a tar written, on the upload's side, from items handed over one at a time.</summary>
/// <remarks>
/// The upload (compression, SHA-1, storage) starts with the first chunk and runs while the source fills the next
/// one. Only <see cref="FinishAsync"/> ends the tar normally; <see cref="UploadAttempt.AbandonAsync"/>, or any failure, makes the
/// upload fail, and a failed upload stores nothing (the storage contract's all-or-nothing upload).
/// </remarks>
internal sealed class StreamedTar : UploadAttempt
{
    // One item waits while the previous one is written: the writer awaits each item's Done before handing over the next.
    private readonly Channel<Item> _items = Channel.CreateBounded<Item>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private Item? _last;

    /// <param name="upload">Starts the upload of the archive whose uncompressed bytes the given callback writes.</param>
    /// <param name="failed">Called once when the upload fails by itself (not abandoned), e.g. to stop the source.</param>
    private StreamedTar(Func<Func<Stream, CancellationToken, Task>, Task<ArchiveInfo>> upload, Action failed)
        : base(failed) => Begin(upload, WriteTarAsync);

    /// <summary>Starts an upload attempt.</summary>
    /// <param name="upload">Starts the upload of the archive whose uncompressed bytes the given callback writes.</param>
    /// <param name="failed">Called once when the upload fails by itself, e.g. to stop the source.</param>
    public static StreamedTar Start(Func<Func<Stream, CancellationToken, Task>, Task<ArchiveInfo>> upload, Action failed) => new(upload, failed);

    /// <summary>Hands over the file at <paramref name="path"/> as tar entry <paramref name="name"/>, once the previous entry is in the tar.</summary>
    /// <remarks>So only this file and the one handed over before are ever in use: the file must stay untouched until the next hand-over returns.</remarks>
    public async Task SendFileAsync(string name, string path, CancellationToken cancellationToken)
    {
        var item = new Item(async (tar, ct) =>
        {
            await using var data = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = EntryMode }, ct);
        });
        await SendAsync(item, cancellationToken);
    }

    /// <summary>Writes the manifest as the tar's last entry, ends the tar and waits for the upload to finish.</summary>
    public async Task<ArchiveInfo> FinishAsync(byte[] manifest, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        await SendAsync(
            new Item((tar, ct) => tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.EntryName) { DataStream = new MemoryStream(manifest), ModificationTime = modified, Mode = EntryMode }, ct)),
            cancellationToken);
        _items.Writer.TryComplete();
        return await Upload;
    }

    /// <inheritdoc />
    protected override void Stop() => _items.Writer.TryComplete(new OperationCanceledException("the archive upload was abandoned"));

    // Read and write for the owner only: a dump may hold password hashes (users.sql).
    private const UnixFileMode EntryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private async Task SendAsync(Item item, CancellationToken cancellationToken)
    {
        if (_last is { } previous)
        {
            try
            {
                await previous.Done.WaitAsync(cancellationToken);
            }
            catch when (previous.Done.IsFaulted)
            {
                // The tar side died, so the upload is ending: report its cause (the storage's, usually), not the copy's.
                await Upload;
                throw;
            }
        }

        Volatile.Write(ref _last, item);
        if (!_items.Writer.TryWrite(item))
        {
            // Completed by a failed upload: report what failed it.
            await Upload;
            throw new InvalidOperationException("the archive upload ended early");
        }
    }

    private async Task WriteTarAsync(Stream output, CancellationToken cancellationToken)
    {
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        try
        {
            await foreach (var item in _items.Reader.ReadAllAsync(cancellationToken))
            {
                await item.Write(tar, cancellationToken);
                item.Complete(null);
            }
        }
        catch (Exception ex)
        {
            _items.Writer.TryComplete(ex);
            Volatile.Read(ref _last)?.Complete(ex);
            throw;
        }
    }

    /// <summary>One tar entry handed over; <see cref="Done"/> completes when it is in the tar (or faults when it never will be).</summary>
    private sealed class Item(Func<TarWriter, CancellationToken, Task> write)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the entry is in the tar.</summary>
        public Task Done => _done.Task;

        /// <summary>Writes the entry into the tar it is given.</summary>
        public Func<TarWriter, CancellationToken, Task> Write => write;

        /// <summary>Marks the item written, or failed with <paramref name="failure"/>.</summary>
        public void Complete(Exception? failure)
        {
            if (failure is null)
            {
                _done.TrySetResult();
            }
            else
            {
                _done.TrySetException(failure);
            }
        }
    }
}
