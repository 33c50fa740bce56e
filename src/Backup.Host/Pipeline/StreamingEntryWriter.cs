using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Passes the source's single entry straight into the compressor of an upload, hashing it on the way: nothing touches disk.</summary>
/// <remarks>
/// <para>A streaming object (<c>&lt;id&gt;.sql.gz</c>) holds one file, so a second entry after a finished one is refused with an
/// error naming the way out (archive mode); the source fails and the upload is abandoned before anything is stored. A source
/// that declares several entries (<see cref="IShapedBackupSource"/>) never gets here: validation refuses the job first.</para>
/// <para>Bytes in the compressor cannot be taken back. When the entry fails and the source writes an entry again (the
/// mariadb-ha source dumps again after a transient error, or from another node), the upload is abandoned (the storage
/// keeps nothing of it) and a new one starts with a fresh compressor, as the chunked archive writer does.</para>
/// </remarks>
/// <param name="startUpload">Starts an upload attempt (called for the entry, and again after a failed one).</param>
/// <param name="sourcePlugin">The source's name, for messages.</param>
/// <param name="logger">Says when an attempt is abandoned.</param>
/// <param name="meter">Counts the source's bytes for the stall watchdog, when given.</param>
internal sealed class StreamingEntryWriter(Func<StreamedEntry> startUpload, string sourcePlugin, ILogger logger, ProgressMeter? meter = null)
    : IBackupWriter, IAsyncDisposable
{
    private StreamedEntry? _upload;
    private string? _started;
    private string? _brokenEntry;

    /// <summary>The entry written, once it was written successfully.</summary>
    public EntryInfo? Entry { get; private set; }

    /// <summary>The current upload attempt, once an entry started one.</summary>
    public StreamedEntry? Upload => _upload;

    /// <inheritdoc />
    public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        EntryChunks.CheckSourceName(entryName);

        if (_started is not null)
        {
            throw new BackupSourceException(
                $"source '{sourcePlugin}' wrote a second entry '{entryName}' after '{_started}', but pipeline.mode streaming stores exactly one; use pipeline.mode archive for this source");
        }

        await RestartAfterFailedEntryAsync(entryName);
        _started = entryName;
        var upload = _upload = startUpload();
        try
        {
            await using var hashing = new HashingStream(await upload.ContentAsync(cancellationToken), leaveOpen: true, meter);
            await writeContent(hashing, cancellationToken);
            Entry = new EntryInfo(entryName, hashing.BytesWritten, hashing.HexDigest());
        }
        catch
        {
            (_started, _brokenEntry) = (null, entryName);
            throw;
        }
        finally
        {
            upload.Release();
        }
    }

    /// <summary>Completes the object and waits for its upload.</summary>
    /// <exception cref="BackupSourceException">The entry failed and was not written again.</exception>
    public async Task<ArchiveInfo> FinishAsync()
    {
        if (Entry is null)
        {
            throw new BackupSourceException(
                $"entry '{_brokenEntry}' of source '{sourcePlugin}' failed and the source did not write it again; nothing was stored");
        }

        return await _upload!.FinishAsync();
    }

    /// <summary>Abandons an unfinished upload (nothing is stored).</summary>
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

        logger.LogWarning("Entry {Failed} failed after it went into the upload; abandoning that upload (nothing of it is stored) and starting again with entry {Entry}", _brokenEntry, entryName);
        await _upload!.AbandonAsync();
        (_upload, _brokenEntry) = (null, null);
    }
}
