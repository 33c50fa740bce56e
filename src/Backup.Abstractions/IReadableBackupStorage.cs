namespace Backup.Abstractions;

/// <summary>A storage that can list and read back what it stored: needed by list, verify and restore.</summary>
public interface IReadableBackupStorage : IBackupStorage
{
    /// <summary>Lists the objects whose key starts with <paramref name="prefix"/>, in no particular order.</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Opens the object at <paramref name="key"/> for sequential reading.</summary>
    /// <remarks>Throws <see cref="BackupStorageException"/> when the object does not exist. The caller disposes the stream.</remarks>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);
}
