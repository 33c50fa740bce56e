using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>Stores objects as block blobs in one container; keys are blob names.</summary>
/// <remarks>
/// Uploads go through the SDK's partitioned uploader with an explicit <see cref="StorageTransferOptions"/>: an object
/// up to one block is one Put Blob; a longer one is staged block by block (at most <c>maxConcurrency</c> blocks in
/// memory, also for a stream of unknown length) and becomes visible only with the final Put Block List. A failed or
/// cancelled upload therefore leaves only uncommitted blocks, which are invisible at the key and which the service
/// discards after a week. A create-only upload carries <c>If-None-Match: *</c> on the Put Blob or the final Put Block
/// List, so the service refuses it atomically (409 BlobAlreadyExists) when the blob exists.
/// </remarks>
internal sealed class AzureBlobStorage(AzureSettings settings, AzureClientFactory clients)
    : IReadableBackupStorage, IDeletableBackupStorage, ICreateOnlyBackupStorage, IPreflightBackupStorage, ILocatingBackupStorage
{
    /// <inheritdoc />
    public string Location => clients.Location;

    /// <inheritdoc />
    public string LocationOf(string key) => clients.LocationOf(key);

    /// <inheritdoc />
    /// <remarks>
    /// Lists at most one blob: a missing container, a wrong key or an unreachable account fail here as an upload would.
    /// A credential that is valid but may not list (a SAS without <c>l</c>, a role with write only:
    /// AuthorizationPermissionMismatch) passes: such a write-only credential is a sound setup for backups.
    /// </remarks>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var container = await clients.GetContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AzureErrors.GuardAsync(settings.Container, Location, "checking access", null, async () =>
            {
                await using var pages = container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken).AsPages(pageSizeHint: 1).GetAsyncEnumerator(cancellationToken);
                return await pages.MoveNextAsync().ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (BackupStorageException ex) when (ex.InnerException is RequestFailedException { ErrorCode: "AuthorizationPermissionMismatch" })
        {
            // Authenticated but not allowed to list: see the remarks.
        }
    }

    /// <inheritdoc />
    public Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        StoreAsync(key, content, options, conditions: null, cancellationToken);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        (await StoreAsync(key, content, options, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken).ConfigureAwait(false)).LastModified;

    private async Task<BlobContentInfo> StoreAsync(string key, Stream content, UploadOptions options, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        var container = await clients.GetContainerAsync(cancellationToken).ConfigureAwait(false);
        var upload = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = options.ContentType },
            Metadata = options.Metadata.ToDictionary(),
            AccessTier = settings.AccessTier,
            TransferOptions = new StorageTransferOptions
            {
                // Without InitialTransferSize the SDK buffers up to 256 MiB of a non-seekable stream hoping for a single Put Blob.
                InitialTransferSize = settings.BlockSize,
                MaximumTransferSize = settings.BlockSize,
                MaximumConcurrency = settings.MaxConcurrency,
            },
            Conditions = conditions,
        };
        var response = await AzureErrors.GuardAsync(settings.Container, Location, "uploading", key, () =>
            container.GetBlobClient(key).UploadAsync(content, upload, cancellationToken)).ConfigureAwait(false);
        return response.Value;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = await clients.GetContainerAsync(cancellationToken).ConfigureAwait(false);
        var pages = container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await AzureErrors.GuardAsync(settings.Container, Location, "listing", prefix, () => pages.MoveNextAsync().AsTask()).ConfigureAwait(false))
            {
                foreach (var blob in pages.Current.Values)
                {
                    yield return new StoredObject(blob.Name, blob.Properties.ContentLength ?? 0, blob.Properties.LastModified ?? DateTimeOffset.MinValue);
                }
            }
        }
        finally
        {
            await pages.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var container = await clients.GetContainerAsync(cancellationToken).ConfigureAwait(false);

        // DownloadStreaming's stream resumes at the current offset after a dropped connection (the SDK's RetriableStream).
        var response = await AzureErrors.GuardAsync(settings.Container, Location, "reading", key, () =>
            container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
        return response.Value.Content;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var container = await clients.GetContainerAsync(cancellationToken).ConfigureAwait(false);
        await AzureErrors.GuardAsync(settings.Container, Location, "deleting", key, () =>
            container.GetBlobClient(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
