using Backup.Host.Monitoring;
using System.CommandLine;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.PointInTime;
using Backup.Host.Stored;

namespace Backup.Host.Cli;

/// <summary><c>backup restore --spec job.yaml (--id ID | --latest | --to-time T | --to-gtid D-S-N [--allow-gaps]) [--target-host H] [--target-port P | --target-datadir DIR] [--force] [--no-staging] [--database NAME]...</c>.</summary>
internal static class RestoreCommand
{
    /// <summary>Creates the command; its outcome goes to <paramref name="recorder"/>.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error, OutcomeRecorder recorder)
    {
        var spec = GlobalOptions.Spec();
        var selection = new BackupSelection();
        var targetHost = new Option<string?>("--target-host") { Description = "The server to restore into (default: the source's host setting)." };
        var targetPort = new Option<int?>("--target-port") { Description = "Its port (default: the source's port setting)." };
        var targetDataDirectory = new Option<string?>("--target-datadir") { Description = "An empty data directory to restore a physical (mariadb-backup) backup into; the server must be stopped." };
        var force = new Option<bool>("--force") { Description = "Load even when the target already holds databases (with --database: the named ones)." };
        var noStaging = new Option<bool>("--no-staging")
        {
            Description = "Keep nothing in temp: verify the archive in a first download, load it from a second (checked again against the first).",
        };
        var databases = DatabaseNames.Option();
        var pointInTime = new PointInTimeOptions();
        var command = new Command(
            "restore",
            "Downloads a backup, verifies its checksum and entries BEFORE loading anything, then loads it into the target with the source plugin.")
        {
            spec, targetHost, targetPort, targetDataDirectory, force, noStaging, databases,
        };
        selection.AddTo(command);
        pointInTime.AddTo(command);
        targetPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } port and (< 1 or > 65535))
            {
                result.AddError($"--target-port must be between 1 and 65535, not {port}");
            }
        });
        command.SetAction(CommandAction.Create(options, error, "the restore was cancelled; temporary files were removed; the target may hold part of the backup", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var names = DatabaseNames.Parse(parseResult.GetValue(databases));
            var toPoint = pointInTime.IsRequested(parseResult);
            var id = toPoint ? pointInTime.RefuseSelection(parseResult, selection, names) : selection.Resolve(parseResult);
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory, recorder);
            var storage = Capabilities.RequireStorage<IReadableBackupStorage>(job, "backup restore");
            var source = Capabilities.RequireRestorableSource(job);
            var inventory = BackupInventory.Of(job, storage);
            var recovery = toPoint ? await PointInTimeRestore.PrepareAsync(parseResult, pointInTime, job, inventory, loggerFactory, cancellationToken) : null;
            using var replayFiles = recovery;
            var backup = recovery?.Backup ?? await inventory.FindAsync(id, cancellationToken);
            var bases = await BasesAsync(inventory, backup, cancellationToken);

            options.Status.BackupId = backup.Id;
            recorder.Backup(backup.Id, backup.ArchiveKey is { } archiveKey ? storage.WhereIs(archiveKey) : null, backup.ArchiveSize);
            var target = new RestoreTarget(parseResult.GetValue(targetHost), parseResult.GetValue(targetPort)) { DataDirectory = parseResult.GetValue(targetDataDirectory) };
            var restored = await new RestoreRunner(loggerFactory, options.Status).RunAsync(
                job.Spec,
                source,
                storage,
                backup,
                target,
                new RestoreOptions(parseResult.GetValue(force), Staging: !parseResult.GetValue(noStaging), names) { Bases = bases },
                TempWorkspace.ParentFor(job.Spec),
                cancellationToken);
            var verified = restored.Verified;
            var what = names.Count == 0 ? "" : $", databases: {string.Join(", ", names)}";
            if (recovery is not null)
            {
                what += await recovery.ReplayAsync(target, verified.Manifest.SourceMetadata, cancellationToken);
            }

            output.WriteLine(
                $"{backup.Id} restored from {storage.WhereIs(backup.ArchiveKey!)}: sha1 {verified.Archive.Sha1}, entries: {string.Join(", ", verified.Manifest.Entries.Select(e => e.Name))}{what}; temp used: {restored.TempBytes} bytes");
            return ExitCodes.Success;
        }, ("restore", recorder)));
        return command;
    }

    // An increment is restored with the backups it builds on; the manifest beside the archive names its base (checked
    // again against the one inside the archive once verified).
    private static async Task<IReadOnlyList<StoredBackup>> BasesAsync(BackupInventory inventory, StoredBackup backup, CancellationToken cancellationToken)
    {
        if (await inventory.ReadManifestAsync(backup, cancellationToken) is not { BasedOn: not null } manifest)
        {
            return [];
        }

        return await BackupChain.BasesAsync(inventory, await inventory.ListAsync(cancellationToken), backup.Id, manifest, cancellationToken);
    }
}
