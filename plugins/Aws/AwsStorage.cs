using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.Aws;

/// <summary>A bucket of S3 or of an S3-compatible store; keys are used as they are.</summary>
/// <remarks>
/// <para>After each upload the stored size is read back (one HEAD) and compared with the bytes sent: a store that keeps the
/// SDK's aws-chunked framing as content (s3rver-like stores without the S3-compatible settings) is caught at backup
/// time, and the corrupt object is deleted, instead of at restore time. A role without s3:GetObject skips the check.</para>
/// <para>A create-only upload sends <c>If-None-Match: *</c>, which S3 (and MinIO, Ceph) enforce atomically. Some
/// S3-compatible stores ignore it and overwrite (fauxqs 2.4 and s3rver 3.7 do), so a HEAD before the upload refuses a
/// key that is taken, and the ETag read back after it shows whether another writer replaced the object in between;
/// on such stores two writers racing for one key can still both pass (run ids are unique, so only a template without
/// <c>{unique}</c> can race).</para>
/// </remarks>
internal sealed class AwsStorage
    : IReadableBackupStorage, IDeletableBackupStorage, ICreateOnlyBackupStorage, IPreflightBackupStorage, ILocatingBackupStorage
{
    private readonly AwsSettings _settings;
    private readonly Lazy<IAmazonS3> _client;
    private readonly S3Errors _errors;
    private readonly ILogger _logger;
    private readonly BufferPool _pool;
    private bool _headDenied;

    public AwsStorage(AwsSettings settings, Func<IAmazonS3> createClient, ILogger logger)
    {
        _settings = settings;
        _client = new Lazy<IAmazonS3>(createClient);
        _errors = new S3Errors(settings);
        _logger = logger;
        _pool = new BufferPool(settings.MaxConcurrentParts + 1);
    }

    /// <inheritdoc />
    public string Location => _settings.Location;

    private IAmazonS3 Client => _client.Value;

    /// <inheritdoc />
    public string LocationOf(string key) => $"{_settings.Location}/{key}";

    /// <inheritdoc />
    /// <remarks>
    /// Lists at most one object: one request that fails with NoSuchBucket, a rejected key or an unreachable endpoint
    /// exactly as an upload would. Access denied to the listing passes with a warning: the credential was accepted, and a
    /// write-only role (s3:PutObject only) is a sound, ransomware-resistant setup whose upload may well succeed.
    /// </remarks>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _errors.Guard("check", "access", () => Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _settings.Bucket, MaxKeys = 1 }, cancellationToken), cancellationToken);
        }
        catch (BackupStorageException ex) when (ex.InnerException is AmazonS3Exception { ErrorCode: "AccessDenied" })
        {
            _logger.LogWarning("Pre-flight: may not list bucket {Bucket} (access denied); whether it exists is known only when the upload starts", _settings.Bucket);
        }
    }

    /// <inheritdoc />
    public async Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        var (sent, _) = await Uploader().UploadAsync(key, content, options, createOnly: false, cancellationToken);
        await CheckStoredAsync(key, sent, etag: null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        // Named as the upload it belongs to: an unreachable endpoint or a denied role reads "to upload <key>".
        if (await HeadAsync("upload", key, cancellationToken) is not null)
        {
            throw new BackupObjectExistsException(Location, key);
        }

        var (sent, etag) = await Uploader().UploadAsync(key, content, options, createOnly: true, cancellationToken);
        var stored = await CheckStoredAsync(key, sent, etag, cancellationToken);
        return stored?.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null;
    }

    private S3Uploader Uploader() => new(Client, _settings, _pool, _errors, _logger);

    /// <summary>The object's HEAD, or null when there is none, or when the role may not read it (then nothing can be known).</summary>
    private async Task<GetObjectMetadataResponse?> HeadAsync(string operation, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _errors.Guard(operation, key, () => Client.GetObjectMetadataAsync(_settings.Bucket, key, cancellationToken), cancellationToken);
        }
        catch (BackupStorageException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
        catch (BackupStorageException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden })
        {
            // A write-only role (no s3:GetObject) is a sound setup for backups; the checks are a safety net, not a requirement.
            if (!_headDenied)
            {
                _headDenied = true;
                _logger.LogWarning(
                    "Cannot read the metadata of {Key} (access denied to HEAD): from now on neither whether an object exists nor its stored size is checked; If-None-Match still applies where the store enforces it",
                    key);
            }

            return null;
        }
    }

    /// <summary>Checks that the object at <paramref name="key"/> is the one just uploaded, complete; returns its HEAD, or null when it cannot be read.</summary>
    /// <param name="key">The object key.</param>
    /// <param name="sent">The bytes sent.</param>
    /// <param name="etag">The ETag the upload returned, for a create-only upload; null not to compare.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    private async Task<GetObjectMetadataResponse?> CheckStoredAsync(string key, long sent, string? etag, CancellationToken cancellationToken)
    {
        var stored = await HeadAsync("check", key, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        if (etag is not null && stored.ETag?.Trim('"') != etag.Trim('"'))
        {
            // Another writer replaced the object after this upload, on a store that ignores If-None-Match: what is
            // there now is not this run's, so it is not deleted either.
            throw new BackupObjectExistsException(Location, key);
        }

        if (stored.ContentLength != sent)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await DeleteAsync(key, timeout.Token);
            throw new BackupStorageException(
                $"aws storage: {key} was stored with {stored.ContentLength:N0} bytes instead of the {sent:N0} sent, so it was deleted; " +
                "this store mishandles the SDK's checksummed uploads: set requestChecksumCalculation and responseChecksumValidation to WHEN_REQUIRED and useChunkEncoding to false");
        }

        return stored;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _settings.Bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await _errors.Guard("list", prefix + "*", () => Client.ListObjectsV2Async(request, cancellationToken), cancellationToken);

            // SDK v4 leaves collections null when a response has none.
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new StoredObject(item.Key, item.Size ?? 0, item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.MinValue);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var response = await _errors.Guard("read", key, () => Client.GetObjectAsync(_settings.Bucket, key, cancellationToken), cancellationToken);
        return response.ResponseStream;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _errors.Guard("delete", key, () => Client.DeleteObjectAsync(_settings.Bucket, key, cancellationToken), cancellationToken);
}
