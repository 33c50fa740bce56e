namespace Backup.Abstractions;

/// <summary>The base of every error a user can act on; the host prints its message as one line and exits with a code per subclass.</summary>
/// <remarks>
/// The message must be one line, name what failed (setting, host, bucket, key, secret) and never contain a
/// secret. Any other exception escaping a plugin is reported as an internal error.
/// </remarks>
public abstract class BackupException : Exception
{
    /// <summary>Creates the exception with a one-line, secret-free message.</summary>
    protected BackupException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
