namespace Backup.Abstractions;

/// <summary>A storage that can delete objects: needed by retention and by the clean-up of a failed run.</summary>
public interface IDeletableBackupStorage : IBackupStorage
{
    /// <summary>Deletes the object at <paramref name="key"/>; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
