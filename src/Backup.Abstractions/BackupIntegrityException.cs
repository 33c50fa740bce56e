namespace Backup.Abstractions;

/// <summary>A stored backup is damaged or incomplete: its checksum does not match, it is truncated, or an entry differs from the manifest.</summary>
/// <remarks>Nothing has been loaded anywhere when this is thrown; the message names the backup and what did not match.</remarks>
public sealed class BackupIntegrityException : BackupException
{
    /// <summary>Creates the exception with a one-line message naming the backup and the mismatch.</summary>
    public BackupIntegrityException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
