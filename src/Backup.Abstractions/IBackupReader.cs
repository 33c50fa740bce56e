namespace Backup.Abstractions;

/// <summary>Gives a restoring source the entries of one backup, the counterpart of <see cref="IBackupWriter"/>.</summary>
public interface IBackupReader
{
    /// <summary>The entries' names, in the order the source wrote them.</summary>
    IReadOnlyList<string> EntryNames { get; }

    /// <summary>Opens entry <paramref name="entryName"/> for sequential reading; the caller disposes the stream.</summary>
    /// <remarks>Throws <see cref="ArgumentException"/> for a name not in <see cref="EntryNames"/>.</remarks>
    Task<Stream> OpenAsync(string entryName, CancellationToken cancellationToken);
}
