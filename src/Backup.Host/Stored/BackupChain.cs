using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Stored;

/// <summary>Incremental backups as chains: which backup the next run builds on, and which backups one builds on, through the manifests beside the archives.</summary>
internal static class BackupChain
{
    /// <summary>The backup the next run of <paramref name="sourcePlugin"/> may build on, or null (logged why) when a full backup is due.</summary>
    /// <remarks>
    /// The job's newest complete backup, if that source made it, its manifest is readable, and its chain holds fewer
    /// than <see cref="IncrementalSpec.FullEvery"/> backups. A chain that cannot be followed (a base gone) starts over
    /// with a full backup rather than failing the run: the new backup must be restorable on its own.
    /// </remarks>
    public static async Task<PreviousBackup?> PreviousAsync(BackupInventory inventory, string sourcePlugin, IncrementalSpec incremental, ILogger logger, CancellationToken cancellationToken)
    {
        var backups = await inventory.ListAsync(cancellationToken);
        if (backups.FirstOrDefault(b => b.IsComplete && !b.IsFutureDated) is not { } newest)
        {
            logger.LogInformation("Full backup: no complete backup of the job in {Where} to build on", inventory.Where);
            return null;
        }

        var manifest = await inventory.ReadManifestAsync(newest, cancellationToken);
        if (manifest is null || manifest.SourcePlugin != sourcePlugin || manifest.Encryption is not null)
        {
            logger.LogInformation("Full backup: the newest backup {BackupId} has no readable manifest of source '{Source}' to build on", newest.Id, sourcePlugin);
            return null;
        }

        int length;
        try
        {
            length = (await BasesAsync(inventory, backups, newest.Id, manifest, cancellationToken)).Count + 1;
        }
        catch (BackupIntegrityException ex)
        {
            logger.LogWarning("Full backup: the chain of {BackupId} cannot be followed ({Reason})", newest.Id, ex.Message);
            return null;
        }

        if (length >= incremental.FullEvery)
        {
            logger.LogInformation("Full backup: the chain of {BackupId} holds {Length} backup(s) (fullEvery {FullEvery})", newest.Id, length, incremental.FullEvery);
            return null;
        }

        return new PreviousBackup(newest.Id, manifest.SourceMetadata);
    }

    /// <summary>The backups <paramref name="backupId"/> (whose manifest is <paramref name="manifest"/>) builds on, the full one first; empty for a full backup.</summary>
    /// <exception cref="BackupIntegrityException">A base is missing, incomplete or has no readable manifest, or the chain is longer than any spec makes (a forged loop).</exception>
    public static async Task<IReadOnlyList<StoredBackup>> BasesAsync(
        BackupInventory inventory, IReadOnlyList<StoredBackup> backups, string backupId, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var chain = new List<StoredBackup>();
        var (child, next) = (backupId, manifest.BasedOn);
        while (next is not null)
        {
            if (chain.Count >= IncrementalSpec.MaxFullEvery)
            {
                throw new BackupIntegrityException($"backup {backupId} builds on more than {IncrementalSpec.MaxFullEvery} backups; a chain is never that long (a loop?)");
            }

            var parent = backups.FirstOrDefault(b => b.Id == next && b.IsComplete)
                ?? throw new BackupIntegrityException($"backup {child} is an increment on {next}, which is not a complete backup in {inventory.Where}");
            var parentManifest = await inventory.ReadManifestAsync(parent, cancellationToken)
                ?? throw new BackupIntegrityException($"backup {child} is an increment on {next}, whose manifest is missing or unreadable");
            chain.Insert(0, parent);
            (child, next) = (parent.Id, parentManifest.BasedOn);
        }

        return chain;
    }
}
