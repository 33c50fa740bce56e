using Backup.Abstractions;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Uploads a backup's objects in the order that makes a half-finished upload recognisable, and undoes a failed one.</summary>
/// <remarks>
/// <para>Order: archive (streamed while it is produced), manifest, then <c>&lt;archive&gt;.sha1</c> last. On any failure after
/// the archive was stored, what this run stored is deleted (if the storage can delete), then the failure is rethrown.</para>
/// <para>A run never replaces an object it did not create: with a create-only storage every object is a conditional
/// create, and a taken key fails the run (<see cref="BackupObjectExistsException"/>) without touching that object. A
/// storage built against contract 1.1 is asked first whether the key exists, when it can list. The store's timestamp of
/// each new object is compared with this host's clock, because backup ids carry this host's time.</para>
/// </remarks>
internal sealed class ArtifactUploader(IBackupStorage storage, string prefix, string storageStage, ILogger logger, TimeProvider clock, StallWatchdog? watchdog = null)
{
    private readonly List<string> _uploaded = [];
    private bool _clockChecked;

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
            (content, ct) => GuardStorage(() => CreateAsync(key, content, UploadOptions.For(contentType), ct)),
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
        await GuardStorage(() => CreateAsync(key, new MemoryStream(content), new UploadOptions(contentType, content.Length, metadata), cancellationToken));
        _uploaded.Add(key);
    }

    private async Task CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow();
        if (storage is ICreateOnlyBackupStorage createOnly)
        {
            var storedAt = await createOnly.CreateAsync(key, content, options, cancellationToken);
            CheckClock(key, storedAt, before, clock.GetUtcNow());
            return;
        }

        await EnsureAbsentAsync(key, cancellationToken);
        await storage.UploadAsync(key, content, options, cancellationToken);
    }

    // Not atomic (another writer may come between the check and the upload), but ids are unique per run: this only
    // has to catch a template without {unique} run twice in one second, on a storage that cannot create-only.
    private async Task EnsureAbsentAsync(string key, CancellationToken cancellationToken)
    {
        if (storage is not IReadableBackupStorage readable)
        {
            logger.LogDebug("Storage {Location} can neither create-only nor list: {Key} is uploaded without checking whether it exists", storage.Location, key);
            return;
        }

        await foreach (var stored in readable.ListAsync(key, cancellationToken))
        {
            if (stored.Key == key)
            {
                throw new BackupObjectExistsException(storage.Location, key);
            }
        }
    }

    // The store stamps a new object between the start and the end of its upload, by its own clock; outside that window
    // (with the tolerance) one of the two clocks is wrong, and this host's is the one the backup id carries.
    private void CheckClock(string key, DateTimeOffset? storedAt, DateTimeOffset before, DateTimeOffset after)
    {
        if (_clockChecked || storedAt is not { } stored)
        {
            return;
        }

        _clockChecked = true;
        var offset = stored < before ? stored - before : stored > after ? stored - after : TimeSpan.Zero;
        if (offset.Duration() > ClockSkew.Tolerance)
        {
            logger.LogWarning(
                "This host's clock is {Difference} {Direction} the storage's ({Location} stamped {Key} at {StoredAt:u}, this host says {Now:u}); backup ids carry this host's time, " +
                "and a backup dated more than {Tolerance} ahead is never --latest and counts for no retention rule: fix the clock (NTP)",
                offset.Duration().ToString("c", System.Globalization.CultureInfo.InvariantCulture), offset < TimeSpan.Zero ? "ahead of" : "behind",
                storage.Location, key, stored.UtcDateTime, after.UtcDateTime, ClockSkew.Tolerance);
        }
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
