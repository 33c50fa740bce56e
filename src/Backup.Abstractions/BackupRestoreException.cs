namespace Backup.Abstractions;

/// <summary>A restore was refused (e.g. the target already holds data) or loading into the target failed.</summary>
public sealed class BackupRestoreException : BackupException
{
    /// <summary>Creates the exception with a one-line message naming the target, never credentials.</summary>
    public BackupRestoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
