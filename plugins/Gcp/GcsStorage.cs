using System.Net;
using System.Runtime.CompilerServices;
using Backup.Abstractions;
using Google;
using Google.Cloud.Storage.V1;
using Object = Google.Apis.Storage.v1.Data.Object;

namespace Backup.Plugins.Gcp;

/// <summary>Stores objects in one bucket with the JSON API; keys are object names.</summary>
/// <remarks>
/// Every upload is a resumable upload in chunks of <c>chunkSizeMiB</c>: the SDK buffers one chunk of a stream of unknown
/// length, and the object exists only once the last chunk is accepted, so a failed, cancelled or killed upload leaves
/// only an abandoned session (which GCS expires after a week), never an object. The final request carries the CRC32C
/// of everything sent, and the service rejects a mismatch before creating the object. A create-only upload carries
/// <c>ifGenerationMatch=0</c> ("no live object"), checked when the session starts and again when the object is created,
/// so the service refuses it atomically (412) when the object exists.
/// </remarks>
internal sealed class GcsStorage(GcsSettings settings)
    : IReadableBackupStorage, IDeletableBackupStorage, ICreateOnlyBackupStorage, IPreflightBackupStorage, ILocatingBackupStorage
{
    private StorageClient? _client;

    /// <inheritdoc />
    public string Location => settings.Location;

    /// <inheritdoc />
    /// <remarks>The same <c>gs://</c> form with a custom endpoint (<c>baseUri</c>): what gcloud takes, and one token on a line the host prints.</remarks>
    public string LocationOf(string key) => $"gs://{settings.Bucket}/{key}";

    /// <inheritdoc />
    /// <remarks>
    /// Lists at most one object (storage.objects.list, which an object-only role has; buckets.get it may not have): a
    /// missing bucket, a refused token or an unreachable endpoint fail here as an upload would. A 403 passes: the
    /// caller was authenticated, and a role that may create but not list objects is a sound setup for backups.
    /// </remarks>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GcsErrors.GuardAsync(settings, "checking", "access", () =>
                client.ListObjectsAsync(settings.Bucket, options: new ListObjectsOptions { PageSize = 1 }).ReadPageAsync(1, cancellationToken)).ConfigureAwait(false);
        }
        catch (BackupStorageException ex) when (ex.InnerException is GoogleApiException { HttpStatusCode: HttpStatusCode.Forbidden })
        {
            // Authenticated but not allowed to list: see the remarks.
        }
    }

    /// <inheritdoc />
    public Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        StoreAsync(key, content, options, ifGenerationMatch: null, cancellationToken);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        (await StoreAsync(key, content, options, ifGenerationMatch: 0, cancellationToken).ConfigureAwait(false)).UpdatedDateTimeOffset;

    private async Task<Object> StoreAsync(string key, Stream content, UploadOptions options, long? ifGenerationMatch, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var destination = new Object
        {
            Bucket = settings.Bucket,
            Name = key,
            ContentType = options.ContentType,
            Metadata = options.Metadata.ToDictionary(),
            StorageClass = settings.StorageClass,
        };
        var upload = new UploadObjectOptions
        {
            ChunkSize = settings.ChunkSize,
            KmsKeyName = settings.KmsKeyName,
            UploadValidationMode = UploadValidationMode.RejectAndThrow,
            IfGenerationMatch = ifGenerationMatch,
        };
        return await GcsErrors.GuardAsync(settings, "uploading", key, () =>
            client.UploadObjectAsync(destination, content, upload, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var objects = client.ListObjectsAsync(settings.Bucket, prefix).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await GcsErrors.GuardAsync(settings, "listing", prefix, () => objects.MoveNextAsync().AsTask()).ConfigureAwait(false))
            {
                var found = objects.Current;
                yield return new StoredObject(found.Name, (long)(found.Size ?? 0), found.UpdatedDateTimeOffset ?? DateTimeOffset.MinValue);
            }
        }
        finally
        {
            await objects.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);

        // The client library only downloads into a stream it is given; the media URL read through the service's
        // authenticated HttpClient gives the caller a stream to pull from instead.
        var url = $"{client.Service.BaseUri}b/{Uri.EscapeDataString(settings.Bucket)}/o/{Uri.EscapeDataString(key)}?alt=media";
        return await GcsErrors.GuardAsync(settings, "reading", key, async () =>
        {
            var response = await client.Service.HttpClient.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw new GoogleApiException("storage", $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}") { HttpStatusCode = response.StatusCode };
            }

            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GcsErrors.GuardAsync(settings, "deleting", key, async () =>
            {
                await client.DeleteObjectAsync(settings.Bucket, key, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
        catch (BackupStorageException ex) when (ex.InnerException is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound })
        {
            // Already gone: deleting a missing object is not an error.
        }
    }

    private async Task<StorageClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            return _client;
        }

        var builder = new StorageClientBuilder
        {
            BaseUri = settings.BaseUri?.ToString(),
            UnauthenticatedAccess = settings.Anonymous,
        };
        try
        {
            _client = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // Application Default Credentials found nothing (no GOOGLE_APPLICATION_CREDENTIALS, no metadata server).
            throw new BackupCredentialsException($"gcp: no Google credentials for {Location}: {GcsErrors.FirstLine(ex.Message)}", ex);
        }

        return _client;
    }
}
