namespace Backup.Abstractions;

/// <summary>The storage refused or failed an operation (missing bucket, access denied, unreachable endpoint).</summary>
public sealed class BackupStorageException : BackupException
{
    /// <summary>Creates the exception with a one-line message naming the provider, bucket and key, never credentials.</summary>
    public BackupStorageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
