using Backup.Abstractions;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>The verified entries of a backup, extracted as files into the restore's workspace.</summary>
/// <param name="directory">Where the files are.</param>
/// <param name="entryNames">The entries, in the order they were written.</param>
/// <param name="meter">Counts the bytes the source reads, for progress, when given.</param>
internal sealed class ExtractedEntries(string directory, IReadOnlyList<string> entryNames, ProgressMeter? meter = null) : IBackupReader
{
    /// <inheritdoc />
    public IReadOnlyList<string> EntryNames => entryNames;

    /// <inheritdoc />
    public Task<Stream> OpenAsync(string entryName, CancellationToken cancellationToken)
    {
        if (!entryNames.Contains(entryName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"the backup has no entry '{entryName}' (entries: {string.Join(", ", entryNames)})", nameof(entryName));
        }

        var file = new FileStream(
            Path.Combine(directory, entryName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Task.FromResult<Stream>(meter is null ? file : new MeteredReadStream(file, meter));
    }
}
