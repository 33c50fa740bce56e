using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;
using Backup.Host.Spec;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Drill;

/// <summary>Runs a drill: the ordinary restore into an empty scratch server (<see cref="RestoreRunner"/>, never forced), then the checks against the manifest's inventory.</summary>
internal sealed class DrillRunner(ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Backup.Drill");

    /// <summary>Loads <paramref name="backup"/> into <paramref name="target"/> (unless <paramref name="checkOnly"/>) and compares the target with the manifest.</summary>
    /// <exception cref="BackupRestoreException">The target holds data (refused), the load failed, or the target cannot be read.</exception>
    public async Task<DrillReport> RunAsync(
        JobSpec spec,
        IDrillableBackupSource source,
        BackupInventory inventory,
        StoredBackup backup,
        RestoreTarget target,
        bool checkOnly,
        string tempParent,
        CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var where = $"{target.Host}:{target.Port}";
        using var workspace = TempWorkspace.Create(tempParent, spec.Name, _logger);
        BackupManifest manifest;
        if (checkOnly)
        {
            // Nothing is loaded, so the stored manifest is all there is to trust; a restore checks it against the archive.
            manifest = await inventory.ReadManifestAsync(backup, cancellationToken)
                ?? throw new BackupIntegrityException($"backup {backup.Id} has no manifest beside its archive; --check-only has nothing to compare with");
            if (manifest.Encryption is not null)
            {
                // The inventory is sealed with the rest of an encrypted backup's manifest.
                using var keys = await BackupKeys.ForAsync(spec, backup, required: true, cancellationToken);
                try
                {
                    manifest = await manifest.UnsealAsync(keys!.Identities, cancellationToken);
                }
                catch (Exception ex) when (ex is AgeException or InvalidDataException or System.Text.Json.JsonException)
                {
                    throw new BackupIntegrityException($"cannot open the sealed manifest of backup {backup.Id}: {ex.Message}", ex);
                }
            }
            if (manifest.SourcePlugin != spec.Source.Plugin)
            {
                throw new BackupRestoreException($"backup {backup.Id} was made by source plugin '{manifest.SourcePlugin}', but the spec's source is '{spec.Source.Plugin}'");
            }
        }
        else
        {
            // Asked before the download, in the drill's own words; the restore's emptiness check stays as the second guard.
            var before = await ReadAsync(spec, source, target, workspace, cancellationToken);
            if (before.Items.Count > 0)
            {
                throw new BackupRestoreException(
                    $"target {where} holds data ({before.Items.Count} {(before.Items.Count == 1 ? "object" : "objects")}, first: {InventoryComparison.Describe(before.Items[0])}); " +
                    "a drill loads only into an empty scratch server, and never with --force; nothing was loaded");
            }

            // force: false whatever the command line says: a drill never loads into a server that holds data.
            var restored = await new RestoreRunner(loggerFactory).RunAsync(
                spec, source, inventory.Storage, backup, target, new RestoreOptions(Force: false, Staging: true, Databases: []), tempParent, cancellationToken);
            manifest = restored.Verified.Manifest;
        }

        if (manifest.Inventory is not { } expected)
        {
            return new DrillReport(backup.Id, where, startedAt, DateTimeOffset.UtcNow, DrillReport.Unchecked, !checkOnly, 0, 0, 0, [],
                $"the manifest of {backup.Id} records no inventory (made before contract 1.3, or by a source that records none): only the load was checked");
        }

        _logger.LogInformation("Checking {Target} against the inventory of {BackupId}: {Objects} objects", where, backup.Id, expected.Items.Count);
        var actual = await ReadAsync(spec, source, target, workspace, cancellationToken);
        var differences = InventoryComparison.Differences(expected, actual);
        var tables = expected.Items.Where(i => i.Rows is not null).ToList();
        return new DrillReport(
            backup.Id,
            where,
            startedAt,
            DateTimeOffset.UtcNow,
            differences.Count == 0 ? DrillReport.Passed : DrillReport.Failed,
            !checkOnly,
            expected.Items.Count,
            tables.Count,
            tables.Sum(t => t.Rows!.Value),
            differences,
            Note: null);
    }

    private static Task<ContentInventory> ReadAsync(JobSpec spec, IDrillableBackupSource source, RestoreTarget target, TempWorkspace workspace, CancellationToken cancellationToken) =>
        StageFailure.Guard(
            $"reading the drill target by source '{spec.Source.Plugin}'",
            () => source.ReadInventoryAsync(target, workspace.Subdirectory("work"), cancellationToken),
            (message, ex) => new BackupRestoreException(message, ex));
}
