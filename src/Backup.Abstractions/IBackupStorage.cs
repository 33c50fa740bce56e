namespace Backup.Abstractions;

/// <summary>Moves backup objects into a store (a bucket, a container, a directory).</summary>
/// <remarks>
/// This is the minimum every storage implements. Reading, listing, deleting and create-only uploads are separate,
/// optional capabilities (<see cref="IReadableBackupStorage"/>, <see cref="IDeletableBackupStorage"/>,
/// <see cref="ICreateOnlyBackupStorage"/>) so the
/// contract grows by new interfaces and existing plugins keep working. Implementations must be safe to
/// call for several objects one after another; they are not called concurrently for the same key.
/// </remarks>
public interface IBackupStorage
{
    /// <summary>A human-readable location for logs and errors, e.g. <c>s3://bucket</c>; never contains credentials.</summary>
    string Location { get; }

    /// <summary>Stores <paramref name="content"/> at <paramref name="key"/>, replacing an object of that key.</summary>
    /// <param name="key">The object key, <c>/</c>-separated, e.g. <c>mariadb-ha-backup/nightly-20261125T040000Z.tar.gz</c>.</param>
    /// <param name="content">The bytes to store, read to the end; its length may be unknown (<see cref="Stream.CanSeek"/> false).</param>
    /// <param name="options">Content type, metadata and, when known, the length.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <remarks>
    /// Must be all-or-nothing: when it fails or is cancelled, no object (and no partial object) may be left at
    /// <paramref name="key"/>. Throw <see cref="BackupStorageException"/> naming the location and key for failures the user can act on.
    /// </remarks>
    Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken);
}
