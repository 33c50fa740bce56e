namespace Backup.Abstractions;

/// <summary>A create-only upload found an object at its key: the run stops rather than replace what it did not create.</summary>
/// <remarks>Thrown by <see cref="ICreateOnlyBackupStorage.CreateAsync"/>; the host reports it like a storage failure (exit code 5).</remarks>
public sealed class BackupObjectExistsException : BackupException
{
    /// <summary>Creates the exception for <paramref name="key"/> in the storage at <paramref name="location"/>; the message is the same for every plugin.</summary>
    /// <param name="location">The storage's <see cref="IBackupStorage.Location"/>, e.g. <c>s3://backups</c>.</param>
    /// <param name="key">The object key that is taken.</param>
    /// <param name="innerException">The store's refusal, if any.</param>
    public BackupObjectExistsException(string location, string key, Exception? innerException = null)
        : base($"{location}/{key} already exists; this run did not create it and left it as it is (another run with the same backup id?)", innerException)
    {
        Key = key;
    }

    /// <summary>The object key that is taken.</summary>
    public string Key { get; }
}
