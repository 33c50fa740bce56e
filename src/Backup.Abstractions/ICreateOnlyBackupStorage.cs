namespace Backup.Abstractions;

/// <summary>A storage that can store an object only where none exists, so a run never replaces an object it did not create.</summary>
/// <remarks>
/// An optional capability beside <see cref="IBackupStorage"/> (contract 1.2): the host stores every object of a backup
/// through <see cref="CreateAsync"/> when the storage offers it. Implement it with the store's own conditional create
/// (S3 and Azure <c>If-None-Match: *</c>, GCS <c>ifGenerationMatch=0</c>, a no-replace link or rename on a file
/// system), so that of two writers racing for one key exactly one wins. Where the store ignores the condition, check
/// for the key before and after the upload and say so in the plugin's documentation.
/// </remarks>
public interface ICreateOnlyBackupStorage : IBackupStorage
{
    /// <summary>Stores <paramref name="content"/> at <paramref name="key"/> unless an object already exists there.</summary>
    /// <param name="key">The object key, as for <see cref="IBackupStorage.UploadAsync"/>.</param>
    /// <param name="content">The bytes to store, read to the end; its length may be unknown.</param>
    /// <param name="options">Content type, metadata and, when known, the length.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>
    /// The store's own timestamp of the new object (its last-modified time, by the store's clock), which the host
    /// compares with its clock to warn about skew; <see langword="null"/> when the store does not report it.
    /// </returns>
    /// <exception cref="BackupObjectExistsException">An object exists at <paramref name="key"/> (or another writer is creating it); it is left untouched.</exception>
    /// <remarks>All-or-nothing like <see cref="IBackupStorage.UploadAsync"/>: on failure or cancellation nothing of this call is left at the key.</remarks>
    Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken);
}
