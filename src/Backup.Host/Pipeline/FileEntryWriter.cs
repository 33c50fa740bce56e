using Backup.Abstractions;

namespace Backup.Host.Pipeline;

/// <summary>Stores each entry a source writes as a file in the run's workspace, hashing it on the way.</summary>
/// <remarks>A <c>.tar.gz</c> needs each entry's size before its data, so entries land on disk first (one raw copy).</remarks>
/// <param name="directory">Where the entry files go.</param>
/// <param name="meter">Counts the source's bytes for the stall watchdog, when given.</param>
internal sealed class FileEntryWriter(string directory, ProgressMeter? meter = null) : IBackupWriter
{
    private readonly List<EntryInfo> _entries = [];

    /// <summary>The entries written successfully, in order.</summary>
    public IReadOnlyList<EntryInfo> Entries => _entries;

    /// <summary>The full temp disk that stopped a write, if one did; every later write fails at once with it.</summary>
    /// <remarks>Kept here because a source may wrap (or retry after) the write error it saw; the runner reports this instead.</remarks>
    public TempDirectoryException? Full { get; private set; }

    /// <summary>The file holding entry <paramref name="name"/>.</summary>
    public string PathOf(string name) => Path.Combine(directory, name);

    /// <inheritdoc />
    public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        EntryChunks.CheckNewEntry(entryName, _entries, Full);

        var path = PathOf(entryName);
        HashingStream? hashing = null;
        try
        {
            EntryInfo entry;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            await using (hashing = new HashingStream(file, leaveOpen: true, meter))
            {
                await writeContent(hashing, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                entry = new EntryInfo(entryName, hashing.BytesWritten, hashing.HexDigest());
            }

            _entries.Add(entry);
        }
        catch (Exception ex)
        {
            // Described before the partial file is deleted, so the free space reported is what the write met.
            if (TempSpace.IsFull(ex))
            {
                Full = TempSpace.Full(
                    directory,
                    $"entry '{entryName}' after {hashing?.BytesWritten ?? 0:N0} bytes",
                    "archive mode keeps one raw copy of every entry there, so it needs at least the dump's size (pipeline.mode: streaming needs none)",
                    ex);
            }

            File.Delete(path);
            if (Full is not null)
            {
                throw Full;
            }

            throw;
        }
    }
}
