using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Uploads a backup's objects in the order that makes a half-finished upload recognisable, and undoes a failed one.</summary>
/// <remarks>
/// Order: archive (streamed while it is produced), manifest, then <c>&lt;archive&gt;.sha1</c> last. On any failure after
/// the archive was stored, what this run stored is deleted (if the storage can delete), then the failure is rethrown.
/// </remarks>
internal sealed class ArtifactUploader(IBackupStorage storage, string prefix, string storageStage, ILogger logger, StallWatchdog? watchdog = null)
{
    private readonly List<string> _uploaded = [];

    /// <summary>Streams the archive <paramref name="fileName"/> into the storage while <paramref name="produce"/> writes it.</summary>
    /// <param name="fileName">The archive's file name, e.g. <c>nightly-20261125T040000Z.tar.gz</c>.</param>
    /// <param name="contentType">Its MIME type.</param>
    /// <param name="produce">Writes the archive's bytes; its failures are reported as they are (wrap them for their stage).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public async Task<ArchiveInfo> UploadArchiveAsync(string fileName, string contentType, Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken)
    {
        var key = ArtifactNames.Key(prefix, fileName);
        logger.LogInformation("Streaming {Key} to {Location}", key, storage.Location);
        var (size, sha1) = await StreamingUpload.RunAsync(
            produce,
            // Length unknown until the end, and the SHA-1 too: it goes into the manifest and the .sha1 object instead.
            (content, ct) => GuardStorage(() => storage.UploadAsync(key, content, UploadOptions.For(contentType), ct)),
            cancellationToken,
            watchdog,
            $"streaming {key}");
        _uploaded.Add(key);
        return new ArchiveInfo(fileName, size, sha1);
    }

    /// <summary>Uploads the manifest and then the checksum (last); on failure deletes everything this run stored, then rethrows.</summary>
    public async Task UploadManifestAndChecksumAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var archive = manifest.Archive ?? throw new ArgumentException("the manifest beside the archive must describe it", nameof(manifest));
        var checksumMetadata = new Dictionary<string, string> { ["sha1"] = archive.Sha1 };
        try
        {
            var manifestBytes = manifest.ToJsonBytes();
            await UploadAsync(manifest.BackupId + ArtifactNames.ManifestSuffix, manifestBytes, "application/json", checksumMetadata, cancellationToken);

            var checksum = BackupRunner.ChecksumLine(archive);
            await UploadAsync(archive.Name + ArtifactNames.Sha1Suffix, checksum, "text/plain", checksumMetadata, cancellationToken);
        }
        catch
        {
            await RollBackAsync();
            throw;
        }
    }

    private async Task UploadAsync(string fileName, byte[] content, string contentType, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var key = ArtifactNames.Key(prefix, fileName);
        logger.LogInformation("Uploading {Key} ({Bytes:N0} bytes) to {Location}", key, content.Length, storage.Location);
        watchdog?.Enter($"uploading {key}", () => StallSide.Storage);
        await GuardStorage(() => storage.UploadAsync(key, new MemoryStream(content), new UploadOptions(contentType, content.Length, metadata), cancellationToken));
        _uploaded.Add(key);
    }

    private Task GuardStorage(Func<Task> upload) =>
        StageFailure.Guard(
            storageStage,
            async () =>
            {
                await upload();
                return true;
            },
            (message, ex) => new BackupStorageException(message, ex));

    private async Task RollBackAsync()
    {
        if (_uploaded.Count == 0)
        {
            return;
        }

        if (storage is not IDeletableBackupStorage deletable)
        {
            logger.LogError("Upload failed after storing {Keys}; this storage cannot delete, remove them by hand (they have no .sha1, so they are not a complete backup)", string.Join(", ", _uploaded));
            return;
        }

        foreach (var key in _uploaded)
        {
            try
            {
                // Not the run's token: it may be the cancellation that got us here, and the clean-up must still happen.
                // Short enough that three deletes on a frozen store fit the shutdown budget after SIGTERM.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await deletable.DeleteAsync(key, timeout.Token);
                logger.LogWarning("Removed {Key} stored by this failed run", key);
            }
            catch (Exception ex)
            {
                logger.LogError("Could not remove {Key} after the failed upload: {Reason}", key, ex.Message);
            }
        }

        _uploaded.Clear();
    }
}
