using Backup.Abstractions;

namespace Backup.Host.Tests.Support;

/// <summary>A storage plugin built against contract 1.1: it can list, read and delete, but not create-only.</summary>
internal sealed class ContractOneOneStorage(MemoryStorage inner) : IReadableBackupStorage, IDeletableBackupStorage
{
    public string Location => inner.Location;

    public Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        inner.UploadAsync(key, content, options, cancellationToken);

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
}
