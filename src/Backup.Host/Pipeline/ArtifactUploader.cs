using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Uploads a backup's objects in the order that makes a half-finished upload recognisable, and undoes a failed one.</summary>
internal sealed class ArtifactUploader(IBackupStorage storage, string prefix, ILogger logger)
{
    private readonly List<string> _uploaded = [];

    /// <summary>Uploads archive, manifest and checksum (last); on failure deletes what this run stored, then rethrows.</summary>
    public async Task UploadAllAsync(string archivePath, ArchiveInfo archive, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var backupId = manifest.BackupId;
        var checksumMetadata = new Dictionary<string, string> { ["sha1"] = archive.Sha1 };
        try
        {
            await using (var file = File.OpenRead(archivePath))
            {
                await UploadAsync(archive.Name, file, new UploadOptions("application/gzip", archive.Size, checksumMetadata), cancellationToken);
            }

            var manifestBytes = manifest.ToJsonBytes();
            await UploadAsync(backupId + ArtifactNames.ManifestSuffix, new MemoryStream(manifestBytes), new UploadOptions("application/json", manifestBytes.Length, checksumMetadata), cancellationToken);

            var checksum = BackupRunner.ChecksumLine(archive);
            await UploadAsync(backupId + ArtifactNames.ChecksumSuffix, new MemoryStream(checksum), new UploadOptions("text/plain", checksum.Length, checksumMetadata), cancellationToken);
        }
        catch
        {
            await RollBackAsync();
            throw;
        }
    }

    private async Task UploadAsync(string fileName, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        var key = ArtifactNames.Key(prefix, fileName);
        logger.LogInformation("Uploading {Key} ({Bytes:N0} bytes) to {Location}", key, options.Length, storage.Location);
        await storage.UploadAsync(key, content, options, cancellationToken);
        _uploaded.Add(key);
    }

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
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await deletable.DeleteAsync(key, timeout.Token);
                logger.LogWarning("Removed {Key} stored by this failed run", key);
            }
            catch (Exception ex)
            {
                logger.LogError("Could not remove {Key} after the failed upload: {Reason}", key, ex.Message);
            }
        }
    }
}
