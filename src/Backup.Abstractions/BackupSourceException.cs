namespace Backup.Abstractions;

/// <summary>The source could not produce a complete backup (e.g. the dump failed or was truncated); nothing is uploaded.</summary>
public sealed class BackupSourceException : BackupException
{
    /// <summary>Creates the exception with a one-line, secret-free message.</summary>
    public BackupSourceException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
