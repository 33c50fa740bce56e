using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Progress;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Stored;

/// <summary>Restores one backup: download into a private workspace while verifying everything, and only then hand the entries to the source.</summary>
/// <remarks>The workspace (extracted entries, the source's option file) is removed afterwards, also on failure or cancellation.</remarks>
internal sealed class RestoreRunner(ILoggerFactory loggerFactory, RunStatus? status = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Backup.Restore");

    /// <summary>Verifies <paramref name="backup"/> completely, then loads it with <paramref name="source"/>.</summary>
    public async Task<VerifiedBackup> RunAsync(
        JobSpec spec,
        IRestorableBackupSource source,
        IReadableBackupStorage storage,
        StoredBackup backup,
        RestoreTarget target,
        bool force,
        string tempParent,
        CancellationToken cancellationToken)
    {
        using var workspace = TempWorkspace.Create(tempParent, spec.Name, _logger);
        _logger.LogInformation("Restoring backup {BackupId} from {Location} (temp {Temp})", backup.Id, storage.Location, workspace.Root);

        // Everything is checked before the first byte reaches the target: a damaged backup loads nothing.
        using var keys = await BackupKeys.ForAsync(spec, backup, required: true, cancellationToken);
        var downloaded = new ProgressMeter(TimeProvider.System);
        status?.Enter("download", downloaded, backup.ArchiveSize);
        var verified = await ArchiveVerifier.VerifyAsync(storage, backup, workspace.Subdirectory("entries"), cancellationToken, keys?.Identities, downloaded);
        _logger.LogInformation("Backup {BackupId} verified: sha1 {Sha1}, {Bytes:N0} bytes", backup.Id, verified.Archive.Sha1, verified.Archive.Size);

        var manifest = verified.Manifest;
        if (manifest.SourcePlugin != spec.Source.Plugin)
        {
            throw new BackupRestoreException($"backup {backup.Id} was made by source plugin '{manifest.SourcePlugin}', but the spec's source is '{spec.Source.Plugin}'");
        }

        // The load's progress: the bytes the source reads from the entries, of all the entries' bytes.
        var loaded = new ProgressMeter(TimeProvider.System);
        status?.Enter("load", loaded, manifest.Entries.Sum(e => e.Size));
        var context = new RestoreContext(
            backup.Id,
            manifest.SourceMetadata,
            new ExtractedEntries(workspace.Subdirectory("entries"), manifest.Entries.Select(e => e.Name).ToList(), loaded),
            target,
            force,
            workspace.Subdirectory("work"));
        await StageFailure.Guard(
            $"restore by source '{spec.Source.Plugin}'",
            async () =>
            {
                await source.RestoreAsync(context, cancellationToken);
                return true;
            },
            (message, ex) => new BackupRestoreException(message, ex));
        return verified;
    }
}
