using Amazon.S3;
using Amazon.S3.Model;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.Aws;

/// <summary>Uploads one stream of any (even unknown) length with bounded memory: one PutObject, or a multipart upload.</summary>
/// <remarks>
/// Content is read into part-sized buffers from <see cref="BufferPool"/>; at most <c>maxConcurrentParts</c> parts are
/// in flight while the next one is read, so memory is about (maxConcurrentParts + 1) parts whatever the object's size.
/// Buffered parts also let the SDK retry a part, which a non-seekable stream could not. The low-level API (rather than
/// TransferUtility) is used because it exposes UseChunkEncoding per request, which s3rver-like stores need off.
/// A multipart upload is aborted on any failure or cancellation; S3 shows nothing at the key until it completes.
/// A create-only upload sends <c>If-None-Match: *</c> with the PutObject or the CompleteMultipartUpload, so S3 refuses it
/// atomically when the key is taken (412, or 409 while another conditional write to the key is in flight).
/// </remarks>
internal sealed class S3Uploader(IAmazonS3 client, AwsSettings settings, BufferPool pool, S3Errors errors, ILogger logger)
{
    // Short: it runs after SIGTERM too, and the host exits 20 s after the signal whatever is still running; a healthy
    // endpoint answers an abort in milliseconds, and parts left by a failed abort never show at the key.
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Uploads <paramref name="content"/> to <paramref name="key"/>; returns the number of bytes sent and the new object's ETag.</summary>
    /// <param name="key">The object key.</param>
    /// <param name="content">The bytes, read to the end.</param>
    /// <param name="options">Content type and metadata.</param>
    /// <param name="createOnly">Send <c>If-None-Match: *</c>: the store refuses the upload when an object exists at the key.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    public async Task<(long Sent, string? ETag)> UploadAsync(string key, Stream content, UploadOptions options, bool createOnly, CancellationToken cancellationToken)
    {
        var sizing = PartSizing.For(settings.PartSize, options.Length, settings.MaxParts);
        if (options.Length is { } length && length > sizing.Capacity())
        {
            throw new BackupStorageException(
                $"aws storage: {key} ({length:N0} bytes) does not fit in {sizing.MaxParts:N0} parts of {sizing.SizeOf(1) / (1024 * 1024)} MiB; raise storage.settings.partSizeMiB or remove it");
        }

        var size = sizing.SizeOf(1);
        var buffer = pool.Rent(size);
        int count;
        try
        {
            count = await FillAsync(content, buffer, size, cancellationToken);
        }
        catch
        {
            pool.Return(buffer);
            throw;
        }

        if (count < size)
        {
            try
            {
                return (count, await PutAsync(key, buffer, count, options, createOnly, cancellationToken));
            }
            finally
            {
                pool.Return(buffer);
            }
        }

        return await MultipartAsync(key, content, options, createOnly, sizing, buffer, count, cancellationToken);
    }

    private async Task<string?> PutAsync(string key, byte[] buffer, int count, UploadOptions options, bool createOnly, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = settings.Bucket,
            Key = key,
            InputStream = new MemoryStream(buffer, 0, count, writable: false),
            AutoCloseStream = false,
            ContentType = options.ContentType,
            UseChunkEncoding = settings.UseChunkEncoding,
            StorageClass = settings.StorageClass,
            ServerSideEncryptionMethod = settings.ServerSideEncryption,
            ServerSideEncryptionKeyManagementServiceKeyId = settings.KmsKeyId,
            IfNoneMatch = createOnly ? "*" : null,
        };
        AddMetadata(request.Metadata, options);
        return (await errors.Guard("upload", key, () => client.PutObjectAsync(request, cancellationToken), cancellationToken)).ETag;
    }

    private async Task<(long Sent, string? ETag)> MultipartAsync(
        string key, Stream content, UploadOptions options, bool createOnly, PartSizing sizing, byte[] first, int firstCount, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = settings.Bucket,
            Key = key,
            ContentType = options.ContentType,
            StorageClass = settings.StorageClass,
            ServerSideEncryptionMethod = settings.ServerSideEncryption,
            ServerSideEncryptionKeyManagementServiceKeyId = settings.KmsKeyId,
        };
        AddMetadata(initiate.Metadata, options);
        string uploadId;
        try
        {
            uploadId = (await errors.Guard("upload", key, () => client.InitiateMultipartUploadAsync(initiate, cancellationToken), cancellationToken)).UploadId;
        }
        catch
        {
            pool.Return(first);
            throw;
        }

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(settings.MaxConcurrentParts);
        var parts = new List<Task<UploadPartResponse>>();
        long total = 0;
        try
        {
            var (partNumber, buffer, count) = (1, first, firstCount);
            while (true)
            {
                await slots.WaitAsync(failFast.Token);
                parts.Add(UploadPartAsync(key, uploadId, partNumber, buffer, count, slots, failFast));
                total += count;
                if (count < sizing.SizeOf(partNumber))
                {
                    break;
                }

                if (++partNumber > sizing.MaxParts)
                {
                    throw new BackupStorageException($"aws storage: {key} needs more than {sizing.MaxParts:N0} parts (storage.settings.maxParts); set storage.settings.partSizeMiB larger");
                }

                var size = sizing.SizeOf(partNumber);
                buffer = pool.Rent(size);
                try
                {
                    count = await FillAsync(content, buffer, size, failFast.Token);
                }
                catch
                {
                    pool.Return(buffer);
                    throw;
                }

                if (count == 0)
                {
                    pool.Return(buffer);
                    break;
                }
            }

            var responses = await Task.WhenAll(parts);
            var complete = new CompleteMultipartUploadRequest { BucketName = settings.Bucket, Key = key, UploadId = uploadId, IfNoneMatch = createOnly ? "*" : null };
            complete.AddPartETags(responses);
            var completed = await errors.Guard("upload", key, () => client.CompleteMultipartUploadAsync(complete, cancellationToken), cancellationToken);
            logger.LogDebug("Uploaded {Key} in {Parts} parts ({Bytes:N0} bytes)", key, responses.Length, total);
            return (total, completed.ETag);
        }
        catch (Exception ex)
        {
            await failFast.CancelAsync();
            var partFailure = await DrainAsync(parts);
            await AbortAsync(key, uploadId);

            // A part that failed cancels the others and the reading loop; report that part's failure, not the cancellation it caused.
            if (partFailure is not null && ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(partFailure);
            }

            throw;
        }
    }

    private async Task<UploadPartResponse> UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int count, SemaphoreSlim slots, CancellationTokenSource failFast)
    {
        try
        {
            var request = new UploadPartRequest
            {
                BucketName = settings.Bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = partNumber,
                PartSize = count,
                InputStream = new MemoryStream(buffer, 0, count, writable: false),
                UseChunkEncoding = settings.UseChunkEncoding,
            };
            return await errors.Guard("upload", key, () => client.UploadPartAsync(request, failFast.Token), failFast.Token);
        }
        catch
        {
            await failFast.CancelAsync();
            throw;
        }
        finally
        {
            pool.Return(buffer);
            slots.Release();
        }
    }

    /// <summary>Waits for every part still in flight; returns the first real (non-cancellation) failure among them.</summary>
    private static async Task<Exception?> DrainAsync(List<Task<UploadPartResponse>> parts)
    {
        try
        {
            await Task.WhenAll(parts);
        }
        catch
        {
            // Inspected below.
        }

        return parts.Where(p => p.IsFaulted).Select(p => p.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        // Not the upload's token: it may be the cancellation that got us here, and the clean-up must still happen.
        using var timeout = new CancellationTokenSource(AbortTimeout);
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = settings.Bucket, Key = key, UploadId = uploadId }, timeout.Token);
            logger.LogInformation("Aborted the multipart upload of {Key}; nothing was stored at the key", key);
        }
        catch (Exception ex)
        {
            logger.LogWarning(
                "Could not abort the multipart upload {UploadId} of {Key} in bucket {Bucket} ({Reason}): nothing was stored at the key, but the store may keep its parts " +
                "until removed (an AbortIncompleteMultipartUpload lifecycle rule does that)",
                uploadId, key, settings.Bucket, ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>Reads until <paramref name="size"/> bytes or the end of <paramref name="content"/>; failures reading propagate as they are.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int size, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < size && (read = await content.ReadAsync(buffer.AsMemory(filled, size - filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    private static void AddMetadata(MetadataCollection metadata, UploadOptions options)
    {
        foreach (var (name, value) in options.Metadata)
        {
            metadata.Add(name, value);
        }
    }
}
