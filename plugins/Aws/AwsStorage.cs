using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.Aws;

/// <summary>A bucket of S3 or of an S3-compatible store; keys are used as they are.</summary>
/// <remarks>
/// After each upload the stored size is read back (one HEAD) and compared with the bytes sent: a store that keeps the
/// SDK's aws-chunked framing as content (s3rver-like stores without the S3-compatible settings) is caught at backup
/// time, and the corrupt object is deleted, instead of at restore time. A role without s3:GetObject skips the check.
/// </remarks>
internal sealed class AwsStorage : IReadableBackupStorage, IDeletableBackupStorage
{
    private readonly AwsSettings _settings;
    private readonly Lazy<IAmazonS3> _client;
    private readonly S3Errors _errors;
    private readonly ILogger _logger;
    private readonly BufferPool _pool;

    public AwsStorage(AwsSettings settings, Func<IAmazonS3> createClient, ILogger logger)
    {
        _settings = settings;
        _client = new Lazy<IAmazonS3>(createClient);
        _errors = new S3Errors(settings);
        _logger = logger;
        _pool = new BufferPool(settings.MaxConcurrentParts + 1);
    }

    /// <inheritdoc />
    public string Location => $"s3://{_settings.Bucket}";

    private IAmazonS3 Client => _client.Value;

    /// <inheritdoc />
    public async Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        var sent = await new S3Uploader(Client, _settings, _pool, _errors, _logger).UploadAsync(key, content, options, cancellationToken);

        GetObjectMetadataResponse stored;
        try
        {
            stored = await _errors.Guard("check", key, () => Client.GetObjectMetadataAsync(_settings.Bucket, key, cancellationToken), cancellationToken);
        }
        catch (BackupStorageException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.Forbidden })
        {
            // A write-only role (no s3:GetObject) is a sound setup for backups; the check is a safety net, not a requirement.
            _logger.LogWarning("Cannot read back the size of {Key} to verify it (access denied to HEAD); the upload itself succeeded", key);
            return;
        }

        if (stored.ContentLength != sent)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await DeleteAsync(key, timeout.Token);
            throw new BackupStorageException(
                $"aws storage: {key} was stored with {stored.ContentLength:N0} bytes instead of the {sent:N0} sent, so it was deleted; " +
                "this store mishandles the SDK's checksummed uploads: set requestChecksumCalculation and responseChecksumValidation to WHEN_REQUIRED and useChunkEncoding to false");
        }
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
