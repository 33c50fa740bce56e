namespace Backup.Abstractions;

/// <summary>Accepts the named entries of one backup from a source.</summary>
/// <remarks>Entries are written one at a time, in order; the host decides where the bytes go (temp file, compressor, upload).</remarks>
public interface IBackupWriter
{
    /// <summary>Adds an entry named <paramref name="entryName"/> and lets <paramref name="writeContent"/> write its bytes.</summary>
    /// <param name="entryName">A relative file name such as <c>all-databases-dump.sql</c>; no directories, unique within the backup.</param>
    /// <param name="writeContent">Writes the entry's bytes to the stream it is given; must not dispose the stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <remarks>If <paramref name="writeContent"/> throws, the entry is discarded and the exception propagates.</remarks>
    Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken);
}
