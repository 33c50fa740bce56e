using Backup.Host.Monitoring;
using System.CommandLine;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary><c>backup verify --spec job.yaml (--id ID | --latest)</c>: downloads a backup as a stream and proves it restorable.</summary>
internal static class VerifyCommand
{
    /// <summary>Creates the command; its outcome goes to <paramref name="recorder"/>.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error, OutcomeRecorder recorder)
    {
        var spec = GlobalOptions.Spec();
        var selection = new BackupSelection();
        var command = new Command(
            "verify",
            $"Downloads a backup (streaming), checks its SHA-1 against the .sha1, and that the archive opens (decrypted with encryption.identity when it is encrypted) and every entry matches its manifest; exit {ExitCodes.IntegrityFailed} when it does not. An encrypted backup without a configured private key gets its stored bytes checked only.")
        {
            spec,
        };
        selection.AddTo(command);
        command.SetAction(CommandAction.Create(options, error, "verify was cancelled", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var id = selection.Resolve(parseResult);
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory, recorder);
            var storage = Capabilities.RequireStorage<IReadableBackupStorage>(job, "backup verify");
            var backup = await BackupInventory.Of(job, storage).FindAsync(id, cancellationToken);

            recorder.Backup(backup.Id, backup.ArchiveKey is { } archiveKey ? storage.WhereIs(archiveKey) : null);
            var logger = loggerFactory.CreateLogger("Backup.Verify");
            logger.LogInformation("Verifying backup {BackupId} from {Location}", backup.Id, storage.Location);
            options.Status.BackupId = backup.Id;
            var downloaded = new ProgressMeter(TimeProvider.System);
            options.Status.Enter("verify", downloaded, backup.ArchiveSize);
            using var keys = await BackupKeys.ForAsync(job.Spec, backup, required: false, cancellationToken);
            if (backup.Format is { IsEncrypted: true } && keys is null)
            {
                var stored = await ArchiveVerifier.VerifyStoredBytesAsync(storage, backup, cancellationToken, downloaded);
                recorder.Backup(backup.Id, storedBytes: stored.Size);
                output.WriteLine($"{backup.Id} stored bytes ok: sha1 {stored.Sha1}, {stored.Size} bytes; contents NOT checked: the backup is encrypted and no private key is configured (encryption.identity)");
                return ExitCodes.Success;
            }

            var verified = await ArchiveVerifier.VerifyAsync(storage, backup, stageTo: null, entrySink: null, cancellationToken, keys?.Identities, downloaded);
            recorder.Backup(backup.Id, storedBytes: verified.Archive.Size, sourceBytes: verified.Manifest.Entries.Sum(e => e.Size), node: verified.Manifest.SourceNode());
            var entries = string.Join(", ", verified.Manifest.Entries.Select(e => $"{e.Name} ({e.Size} bytes)"));
            output.WriteLine($"{backup.Id} ok: sha1 {verified.Archive.Sha1}, {verified.Archive.Size} bytes, entries: {entries}");
            return ExitCodes.Success;
        }, ("verify", recorder)));
        return command;
    }
}
