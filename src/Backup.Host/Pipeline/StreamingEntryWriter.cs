using Backup.Abstractions;

namespace Backup.Host.Pipeline;

/// <summary>Passes the source's single entry straight into the compressor, hashing it on the way: nothing touches disk.</summary>
/// <remarks>
/// A <c>.sql.gz</c> holds one file, so a second entry is refused with an error naming the way out (archive mode);
/// the source fails and the upload is abandoned before anything is stored.
/// </remarks>
/// <param name="target">The compressor the entry goes into.</param>
/// <param name="sourcePlugin">The source's name, for messages.</param>
/// <param name="meter">Counts the source's bytes for the stall watchdog, when given.</param>
internal sealed class StreamingEntryWriter(Stream target, string sourcePlugin, ProgressMeter? meter = null) : IBackupWriter
{
    private string? _started;

    /// <summary>The entry written, once it was written successfully.</summary>
    public EntryInfo? Entry { get; private set; }

    /// <inheritdoc />
    public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        EntryChunks.CheckSourceName(entryName);

        if (_started is not null)
        {
            throw new BackupSourceException(
                $"source '{sourcePlugin}' wrote a second entry '{entryName}' after '{_started}', but pipeline.mode streaming stores exactly one; use pipeline.mode archive for this source");
        }

        _started = entryName;
        await using var hashing = new HashingStream(target, leaveOpen: true, meter);
        await writeContent(hashing, cancellationToken);
        Entry = new EntryInfo(entryName, hashing.BytesWritten, hashing.HexDigest());
    }
}
