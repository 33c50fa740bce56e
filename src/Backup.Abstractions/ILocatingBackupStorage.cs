namespace Backup.Abstractions;

/// <summary>A storage that can say where an object really is, in the form its user would look for it.</summary>
/// <remarks>
/// An optional capability beside <see cref="IBackupStorage"/> (contract 1.3). The host prints this wherever it shows
/// a stored object (the result of <c>run</c>, <c>list</c>, <c>restore</c>); without it the host prints
/// <see cref="IBackupStorage.Location"/> and the key, which is wrong for a store that does not keep keys as they are
/// (a sharded directory, an encoded name). Must not touch the network and must never contain credentials (no SAS
/// token, no signed URL).
/// </remarks>
public interface ILocatingBackupStorage : IBackupStorage
{
    /// <summary>Where the object at <paramref name="key"/> is, e.g. <c>/var/backups/db/x.tar.gz</c>, <c>s3://bucket/db/x.tar.gz</c>, <c>https://account.blob.core.windows.net/container/db/x.tar.gz</c>.</summary>
    /// <param name="key">The object key, as given to <see cref="IBackupStorage.UploadAsync"/>; the object need not exist.</param>
    string LocationOf(string key);
}
