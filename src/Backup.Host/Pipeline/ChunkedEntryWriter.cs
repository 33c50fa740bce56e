using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Cuts every entry a source writes into tar entries of at most a chunk (<c>name.000000</c>, <c>name.000001</c>, ...) and streams them into the archive upload as they fill.</summary>
/// <remarks>
/// <para>A tar header needs its entry's size before the data, so each chunk is buffered in a temp file until it is full
/// or the entry ends, then copied into the tar while the source fills the next one. Two files take turns: temp disk is
/// at most two chunks, whatever the size of the database. The upload starts with the first chunk, so a source that
/// fails before filling one never opens an upload at all.</para>
/// <para>A chunk in the upload cannot be taken back. When an entry fails after some of its chunks went out and the
/// source writes again (the mariadb-ha source dumps again from another node), the upload is abandoned (the storage keeps
/// nothing of it) and a new one starts, as long as no finished entry was lost with it; otherwise the run fails.</para>
/// </remarks>
/// <param name="directory">Where the two chunk files go.</param>
/// <param name="chunkBytes">The size of a full chunk.</param>
/// <param name="startUpload">Starts an upload attempt (called for the first chunk, and again after an abandoned attempt).</param>
/// <param name="logger">Says when an attempt is abandoned.</param>
/// <param name="meter">Counts the source's bytes for the stall watchdog, when given.</param>
internal sealed partial class ChunkedEntryWriter(string directory, long chunkBytes, Func<StreamedTar> startUpload, ILogger logger, ProgressMeter? meter = null)
    : IBackupWriter, IAsyncDisposable
{
    private readonly List<EntryInfo> _entries = [];
    private readonly long _chunkBytes = chunkBytes;
    private readonly ProgressMeter? _meter = meter;
    private StreamedTar? _upload;
    private long _files;
    private string? _brokenEntry;

    /// <summary>The entries written successfully, in order.</summary>
    public IReadOnlyList<EntryInfo> Entries => _entries;

    /// <summary>The current upload attempt, once a chunk started one.</summary>
    public StreamedTar? Upload => _upload;

    /// <summary>The full temp disk that stopped a write, if one did; every later write fails at once with it.</summary>
    public TempDirectoryException? Full { get; private set; }

    /// <inheritdoc />
    public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        EntryChunks.CheckNewEntry(entryName, _entries, Full);

        await RestartAfterFailedEntryAsync(entryName);
        var entry = new EntryStream(this, entryName);
        try
        {
            await writeContent(entry, cancellationToken);
            await entry.FinishAsync(cancellationToken);
        }
        catch
        {
            entry.Abort();
            if (entry.Count > 0)
            {
                _brokenEntry = entryName;
            }

            throw;
        }

        _entries.Add(new EntryInfo(entryName, entry.Length, entry.HexDigest()) { Chunks = entry.Count });
    }

    /// <summary>Writes <paramref name="manifest"/> as the tar's last entry, ends the archive and waits for its upload.</summary>
    /// <exception cref="BackupSourceException">An entry failed after some of its chunks were uploaded, and was not written again.</exception>
    public async Task<ArchiveInfo> FinishAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        if (_brokenEntry is not null)
        {
            throw new BackupSourceException(
                $"entry '{_brokenEntry}' failed after some of its chunks were uploaded and the source did not write it again; nothing was stored (pipeline.archiveChunkMiB: 0 keeps whole entries on temp disk instead)");
        }

        var upload = _upload ?? throw new InvalidOperationException("no entry was written");
        return await upload.FinishAsync(manifest.ToJsonBytes(), manifest.SourceFinishedAt, cancellationToken);
    }

    /// <summary>Abandons an unfinished upload (nothing is stored) and waits for the copy of the last chunk to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_upload is not null)
        {
            await _upload.AbandonUnlessEndedAsync();
        }
    }

    private async Task RestartAfterFailedEntryAsync(string entryName)
    {
        if (_brokenEntry is null)
        {
            return;
        }

        if (_entries.Count > 0)
        {
            throw new BackupSourceException(
                $"entry '{_brokenEntry}' failed after some of its chunks were uploaded, and the upload cannot be restarted without entries finished before it ({string.Join(", ", _entries.Select(e => e.Name))}); nothing was stored (pipeline.archiveChunkMiB: 0 keeps whole entries on temp disk instead)");
        }

        logger.LogWarning("Entry {Failed} failed after some of its chunks were uploaded; abandoning that upload (nothing of it is stored) and starting again with entry {Entry}", _brokenEntry, entryName);
        await _upload!.AbandonAsync();
        (_upload, _brokenEntry) = (null, null);
    }

    // The source fills one file while the other is copied into the tar; a file is reused only after its copy is done
    // (SendChunkAsync waits for the previous chunk before handing over the next).
    private string NextChunkPath() => Path.Combine(directory, $"chunk-{_files++ % 2}");

    private async Task SendChunkAsync(string name, string path, CancellationToken cancellationToken)
    {
        _upload ??= startUpload();
        await _upload.SendFileAsync(name, path, cancellationToken);
    }

    private TempDirectoryException? RecordFull(Exception exception, string entryName, int chunk, long bytes)
    {
        if (Full is null && TempSpace.IsFull(exception))
        {
            Full = TempSpace.Full(
                directory,
                $"chunk {chunk} of entry '{entryName}' after {bytes:N0} bytes",
                $"archive mode buffers two chunks of {_chunkBytes:N0} bytes there (pipeline.archiveChunkMiB), so it needs {2 * _chunkBytes:N0} bytes",
                exception);
        }

        return Full;
    }
}
