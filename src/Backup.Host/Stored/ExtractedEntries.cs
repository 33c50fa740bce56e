using Backup.Abstractions;

namespace Backup.Host.Stored;

/// <summary>The verified entries of a backup, extracted as files into the restore's workspace.</summary>
internal sealed class ExtractedEntries(string directory, IReadOnlyList<string> entryNames) : IBackupReader
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

        return Task.FromResult<Stream>(new FileStream(
            Path.Combine(directory, entryName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }
}
