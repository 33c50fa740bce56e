namespace Backup.Abstractions;

/// <summary>A credential could not be obtained (secret missing, key missing, access denied); names where it looked, never the value.</summary>
public sealed class BackupCredentialsException : BackupException
{
    /// <summary>Creates the exception with a one-line message naming the secret's location.</summary>
    public BackupCredentialsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
