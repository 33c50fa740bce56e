using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;
using Backup.Host.Progress;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Stored;

/// <summary>Restores one backup: verify everything first (staging the compressed archive in a private workspace, or not), then let the source load the entries, decompressed as it reads them.</summary>
/// <remarks>
/// Temp holds at most the stored archive (compressed, and encrypted if it was: 1.04 GB of dump stored as 343 MB
/// needs 343 MB), or nothing with
/// <see cref="RestoreOptions.Staging"/> off. The workspace (staged archive, the source's option file) is removed
/// afterwards, also on failure or cancellation.
/// </remarks>
internal sealed class RestoreRunner(ILoggerFactory loggerFactory, RunStatus? status = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Backup.Restore");

    /// <summary>Verifies <paramref name="backup"/> completely, then loads it (or the chosen databases of it) with <paramref name="source"/>.</summary>
    public async Task<RestoreResult> RunAsync(
        JobSpec spec,
        IRestorableBackupSource source,
        IReadableBackupStorage storage,
        StoredBackup backup,
        RestoreTarget target,
        RestoreOptions options,
        string tempParent,
        CancellationToken cancellationToken)
    {
        using var workspace = TempWorkspace.Create(tempParent, spec.Name, _logger);
        _logger.LogInformation(
            "Restoring backup {BackupId} from {Location} ({Mode}, temp {Temp})", backup.Id, storage.Location, options.Staging ? "staged" : "no staging", workspace.Root);

        // Everything is checked before the first byte reaches the target: a damaged backup loads nothing.
        using var keys = await BackupKeys.ForAsync(spec, backup, required: true, cancellationToken);
        var downloaded = new ProgressMeter(TimeProvider.System);
        status?.Enter("download", downloaded, backup.ArchiveSize);
        var identities = keys?.Identities;
        var staged = options.Staging ? Path.Combine(workspace.Subdirectory("staged"), backup.Id + backup.Format?.Suffix) : null;
        var verified = staged is null
            ? await ArchiveVerifier.VerifyAsync(storage, backup, null, null, cancellationToken, identities, downloaded)
            : await StageAsync(storage, backup, staged, identities, downloaded, cancellationToken);
        _logger.LogInformation("Backup {BackupId} verified: sha1 {Sha1}, {Bytes:N0} bytes", backup.Id, verified.Archive.Sha1, verified.Archive.Size);

        var manifest = verified.Manifest;
        if (manifest.SourcePlugin != spec.Source.Plugin)
        {
            throw new BackupRestoreException($"backup {backup.Id} was made by source plugin '{manifest.SourcePlugin}', but the spec's source is '{spec.Source.Plugin}'");
        }

        var tempBytes = DirectorySize(workspace.Root);
        _logger.LogInformation("Temp holds {Bytes:N0} bytes while loading", tempBytes);
        var where = storage.WhereIs(backup.ArchiveKey!);
        Func<CancellationToken, Task<Stream>> open = staged is null
            ? async ct => new HashingReadStream(await storage.OpenReadAsync(backup.ArchiveKey!, ct), where)
            : _ => Task.FromResult<Stream>(new FileStream(staged, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));

        // The load's progress: the bytes the source reads from the entries, of all the entries' bytes.
        var loaded = new ProgressMeter(TimeProvider.System);
        status?.Enter("load", loaded, manifest.Entries.Sum(e => e.Size));
        using var watch = new IntegrityWatch(cancellationToken);
        var entries = new CompressedEntries(
            verified,
            open,
            identities,
            staged is null ? $"a second download of {where}" : "the staged copy",
            watch,
            loaded);
        var context = new RestoreContext(backup.Id, manifest.SourceMetadata, entries, target, options.Force, workspace.Subdirectory("work")) { Databases = options.Databases };
        try
        {
            await StageFailure.Guard(
                $"restore by source '{spec.Source.Plugin}'",
                async () =>
                {
                    await source.RestoreAsync(context, watch.Token);
                    return true;
                },
                (message, ex) => new BackupRestoreException(message, ex));
        }
        catch (Exception) when (watch.Failure is { } changed)
        {
            // Whatever the source made of the stopped load, the cause is the changed bytes.
            throw changed;
        }

        return watch.Failure is { } late ? throw late : new RestoreResult(verified, tempBytes);
    }

    /// <summary>Downloads the archive into <paramref name="path"/> while verifying it; a full disk is one line naming what it needs.</summary>
    private static async Task<VerifiedBackup> StageAsync(
        IReadableBackupStorage storage,
        StoredBackup backup,
        string path,
        IReadOnlyList<AgeIdentity>? identities,
        ProgressMeter downloaded,
        CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            // Closed inside the try: closing flushes, and a flush into a full disk fails too.
            await using (file)
            {
                var verified = await ArchiveVerifier.VerifyAsync(storage, backup, file, null, cancellationToken, identities, downloaded);
                await file.FlushAsync(cancellationToken);
                return verified;
            }
        }
        catch (IOException ex) when (TempSpace.IsFull(ex))
        {
            throw TempSpace.Full(
                Path.GetDirectoryName(path)!,
                $"the archive {Path.GetFileName(path)} after {new FileInfo(path).Length:N0} of its {backup.ArchiveSize:N0} bytes",
                $"restore stages the compressed archive there, so it needs {backup.ArchiveSize:N0} bytes (--no-staging needs none and downloads the archive twice)",
                ex);
        }
    }

    private static long DirectorySize(string root) =>
        new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
