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

    /// <summary>The file holding entry <paramref name="name"/>.</summary>
    public string PathOf(string name) => Path.Combine(directory, name);

    /// <inheritdoc />
    public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        if (!ArtifactNames.IsSafeName(entryName) || entryName == BackupManifest.EntryName)
        {
            throw new ArgumentException($"entry name '{entryName}' must be a plain file name of letters, digits, '.', '_', '-' and not '{BackupManifest.EntryName}'", nameof(entryName));
        }

        if (_entries.Any(e => e.Name == entryName))
        {
            throw new ArgumentException($"entry '{entryName}' was already written", nameof(entryName));
        }

        var path = PathOf(entryName);
        try
        {
            EntryInfo entry;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            await using (var hashing = new HashingStream(file, leaveOpen: true, meter))
            {
                await writeContent(hashing, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                entry = new EntryInfo(entryName, hashing.BytesWritten, hashing.HexDigest());
            }

            _entries.Add(entry);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }
}
