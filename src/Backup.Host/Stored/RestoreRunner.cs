using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;
using Backup.Host.Progress;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Stored;

/// <summary>Restores one backup: verify everything first (staging the compressed archive in a private workspace, or not), then let the source load the entries, decompressed as it reads them; or, for a source that discards a failed restore, verify while it loads.</summary>
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
        var whileLoading = VerifiesWhileLoading(source, backup, target, options);
        _logger.LogInformation(
            "Restoring backup {BackupId} from {Location} ({Mode}, temp {Temp})",
            backup.Id,
            storage.Location,
            whileLoading ? "verified while loading: one download, no temp copy" : options.Staging ? "staged" : "no staging",
            workspace.Root);

        using var keys = await BackupKeys.ForAsync(spec, backup, required: true, cancellationToken);
        var downloaded = new ProgressMeter(TimeProvider.System);
        var identities = keys?.Identities;
        if (whileLoading)
        {
            return await RunWhileVerifyingAsync(spec, source, storage, backup, target, options, workspace, identities, downloaded, cancellationToken);
        }

        // Everything is checked before the first byte reaches the target: a damaged backup loads nothing.
        status?.Enter("download", downloaded, backup.ArchiveSize);
        var staged = options.Staging ? Path.Combine(workspace.Subdirectory("staged"), backup.Id + backup.Format?.Suffix) : null;

        // An increment's bases first, the full one first: every link is verified before anything is loaded.
        var links = new List<Link>();
        using var linkKeys = new KeyRings();
        foreach (var link in options.Bases)
        {
            links.Add(await VerifyLinkAsync(spec, storage, link, links.LastOrDefault()?.Verified.Backup.Id, workspace, options.Staging, downloaded, linkKeys, cancellationToken));
        }

        var verified = staged is null
            ? await ArchiveVerifier.VerifyAsync(storage, backup, null, null, cancellationToken, identities, downloaded)
            : await StageAsync(storage, backup, staged, identities, downloaded, cancellationToken);
        _logger.LogInformation("Backup {BackupId} verified: sha1 {Sha1}, {Bytes:N0} bytes", backup.Id, verified.Archive.Sha1, verified.Archive.Size);

        var manifest = verified.Manifest;
        CheckLink(spec, verified, links.LastOrDefault()?.Verified.Backup.Id);
        if (links.Count > 0 && source is not IIncrementalBackupSource)
        {
            throw new BackupRestoreException($"backup {backup.Id} is an increment, and source plugin '{spec.Source.Plugin}' cannot restore increments");
        }

        var tempBytes = DirectorySize(workspace.Root);
        _logger.LogInformation("Temp holds {Bytes:N0} bytes while loading", tempBytes);
        var restored = new Link(verified, staged, identities);

        // The load's progress: the bytes the source reads from the entries, of all the entries' bytes.
        var loaded = new ProgressMeter(TimeProvider.System);
        status?.Enter("load", loaded, manifest.Entries.Sum(e => e.Size) + links.Sum(l => l.Verified.Manifest.Entries.Sum(e => e.Size)));
        using var watch = new IntegrityWatch(cancellationToken);
        var entries = new CompressedEntries(
            verified,
            restored.Open(storage),
            identities,
            restored.Origin(storage),
            watch,
            loaded);
        var bases = links.Select(link => new RestoreContext(
                link.Verified.Backup.Id,
                link.Verified.Manifest.SourceMetadata,
                new CompressedEntries(link.Verified, link.Open(storage), link.Identities, link.Origin(storage), watch, loaded),
                target,
                options.Force,
                workspace.Subdirectory("work")))
            .ToList();
        var context = new RestoreContext(backup.Id, manifest.SourceMetadata, entries, target, options.Force, workspace.Subdirectory("work"))
        {
            Databases = options.Databases,
            Bases = bases,
        };
        try
        {
            await RestoreWithAsync(spec, source, context, watch.Token);
        }
        catch (Exception) when (watch.Failure is { } changed)
        {
            // Whatever the source made of the stopped load, the cause is the changed bytes.
            throw changed;
        }

        return watch.Failure is { } late ? throw late : new RestoreResult(verified, tempBytes);
    }

    // Only a source that throws away a failed restore may see bytes before they are proven, and only where the proof is
    // one stream: a streaming object and the manifest beside it. An increment's chain is proven whole first (every link
    // and the chain's order) before its full base is written, so it keeps the two passes.
    private static bool VerifiesWhileLoading(IRestorableBackupSource source, StoredBackup backup, RestoreTarget target, RestoreOptions options) =>
        source is IDiscardingRestoreSource discarding && backup.Format is { IsTar: false } && options.Bases.Count == 0 && discarding.DiscardsFailedRestore(target);

    /// <summary>The single pass for an <see cref="IDiscardingRestoreSource"/>: the source reads the entry while it downloads and is verified (<see cref="VerifyingEntries"/>); nothing is staged.</summary>
    private async Task<RestoreResult> RunWhileVerifyingAsync(
        JobSpec spec,
        IRestorableBackupSource source,
        IReadableBackupStorage storage,
        StoredBackup backup,
        RestoreTarget target,
        RestoreOptions options,
        TempWorkspace workspace,
        IReadOnlyList<AgeIdentity>? identities,
        ProgressMeter downloaded,
        CancellationToken cancellationToken)
    {
        var manifest = await ArchiveVerifier.ReadStreamedManifestAsync(storage, backup, identities, cancellationToken);
        CheckLink(spec, backup.Id, manifest, null);
        var loaded = new ProgressMeter(TimeProvider.System);
        status?.Enter("load", loaded, manifest.Entries.Sum(e => e.Size));
        using var watch = new IntegrityWatch(cancellationToken);
        await using var entries = new VerifyingEntries(storage, backup, manifest, identities, watch, downloaded, loaded, cancellationToken);
        var context = new RestoreContext(backup.Id, manifest.SourceMetadata, entries, target, options.Force, workspace.Subdirectory("work"))
        {
            Databases = options.Databases,
        };

        Exception? failed = null;
        try
        {
            await RestoreWithAsync(spec, source, context, watch.Token);
        }
        catch (Exception ex)
        {
            failed = ex;
        }

        if (failed is not null)
        {
            // A damaged or unreadable backup is the cause of the source's failure, whatever the source made of it.
            var cause = await entries.AbandonAsync();
            throw cause switch
            {
                BackupIntegrityException damaged => new BackupIntegrityException(
                    $"{damaged.Message}; it was checked while loading, and source plugin '{spec.Source.Plugin}' removes what it wrote into the target", damaged),
                null => failed,
                _ => cause,
            };
        }

        VerifiedBackup verified;
        try
        {
            verified = await entries.CompleteAsync();
        }
        catch (BackupIntegrityException ex)
        {
            // The source returned without reading its entry to the end, where the failure would have reached it.
            throw new BackupIntegrityException(
                $"{ex.Message}; source plugin '{spec.Source.Plugin}' finished before reading the whole backup, so the target may hold part of a damaged backup: do not use it", ex);
        }

        _logger.LogInformation("Backup {BackupId} verified while loading: sha1 {Sha1}, {Bytes:N0} bytes", backup.Id, verified.Archive.Sha1, verified.Archive.Size);
        return new RestoreResult(verified, 0);
    }

    /// <summary>Lets the source load; an unexpected failure of it (not a <see cref="BackupException"/>) becomes a restore failure naming it.</summary>
    private static Task RestoreWithAsync(JobSpec spec, IRestorableBackupSource source, RestoreContext context, CancellationToken cancellationToken) =>
        StageFailure.Guard(
            $"restore by source '{spec.Source.Plugin}'",
            async () =>
            {
                await source.RestoreAsync(context, cancellationToken);
                return true;
            },
            (message, ex) => new BackupRestoreException(message, ex));

    /// <summary>Verifies one base of an increment (staged like the restored backup, or not) and checks it is the link the chain names.</summary>
    private static async Task<Link> VerifyLinkAsync(
        JobSpec spec,
        IReadableBackupStorage storage,
        StoredBackup link,
        string? expectedBase,
        TempWorkspace workspace,
        bool staging,
        ProgressMeter downloaded,
        KeyRings keyRings,
        CancellationToken cancellationToken)
    {
        var identities = keyRings.Add(await BackupKeys.ForAsync(spec, link, required: true, cancellationToken))?.Identities;
        var staged = staging ? Path.Combine(workspace.Subdirectory("staged"), link.Id + link.Format?.Suffix) : null;
        var verified = staged is null
            ? await ArchiveVerifier.VerifyAsync(storage, link, null, null, cancellationToken, identities, downloaded)
            : await StageAsync(storage, link, staged, identities, downloaded, cancellationToken);
        CheckLink(spec, verified, expectedBase);
        return new Link(verified, staged, identities);
    }

    /// <summary>The verified manifest (inside the archive) must name the same base as the chain found beside the archives, and the spec's source.</summary>
    private static void CheckLink(JobSpec spec, VerifiedBackup verified, string? expectedBase) => CheckLink(spec, verified.Backup.Id, verified.Manifest, expectedBase);

    private static void CheckLink(JobSpec spec, string backupId, BackupManifest manifest, string? expectedBase)
    {
        if (manifest.SourcePlugin != spec.Source.Plugin)
        {
            throw new BackupRestoreException($"backup {backupId} was made by source plugin '{manifest.SourcePlugin}', but the spec's source is '{spec.Source.Plugin}'");
        }

        if (manifest.BasedOn != expectedBase)
        {
            throw new BackupIntegrityException(
                $"backup {backupId} is {(manifest.BasedOn is null ? "a full backup" : $"an increment on {manifest.BasedOn}")} inside its archive, but {(expectedBase is null ? "no base" : expectedBase)} beside it; nothing was loaded");
        }
    }

    /// <summary>A verified backup (the restored one or a base of it) and where its archive is read from for the load: the staged copy, or a second download.</summary>
    private sealed record Link(VerifiedBackup Verified, string? Staged, IReadOnlyList<AgeIdentity>? Identities)
    {
        public Func<CancellationToken, Task<Stream>> Open(IReadableBackupStorage storage) => Staged is null
            ? async ct => new HashingReadStream(await storage.OpenReadAsync(Verified.Backup.ArchiveKey!, ct), storage.WhereIs(Verified.Backup.ArchiveKey!))
            : _ => Task.FromResult<Stream>(new FileStream(Staged, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));

        public string Origin(IReadableBackupStorage storage) => Staged is null ? $"a second download of {storage.WhereIs(Verified.Backup.ArchiveKey!)}" : "the staged copy";
    }

    /// <summary>The bases' keys, alive until the load has read them.</summary>
    private sealed class KeyRings : IDisposable
    {
        private readonly List<AgeKeyRing> _rings = [];

        public AgeKeyRing? Add(AgeKeyRing? ring)
        {
            if (ring is not null)
            {
                _rings.Add(ring);
            }

            return ring;
        }

        public void Dispose() => _rings.ForEach(r => r.Dispose());
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
