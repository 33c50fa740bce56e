using Backup.Abstractions;

namespace Backup.Testing;

/// <summary>An <see cref="IBackupWriter"/> that keeps entries in memory and discards one whose writer throws, as the host does.</summary>
public sealed class MemoryBackupWriter : IBackupWriter
{
    private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    /// <summary>The entries written completely, by name.</summary>
    public IReadOnlyDictionary<string, byte[]> Entries => _entries;

    /// <inheritdoc />
    public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        if (_entries.ContainsKey(entryName))
        {
            throw new InvalidOperationException($"Entry '{entryName}' was written twice.");
        }

        using var buffer = new MemoryStream();
        await writeContent(buffer, cancellationToken);
        _entries[entryName] = buffer.ToArray();
    }
}
