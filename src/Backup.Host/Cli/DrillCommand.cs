using System.CommandLine;
using Backup.Abstractions;
using Backup.Host.Drill;
using Backup.Host.Monitoring;
using Backup.Host.Pipeline;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary><c>backup drill --spec job.yaml (--id ID | --latest) --target-host H --target-port P [--check-only] [--output json]</c>.</summary>
internal static class DrillCommand
{
    /// <summary>Creates the command; its outcome (time and exit code: 0 passed or unchecked, 10 failed) goes to <paramref name="recorder"/> for metrics and notifications.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error, OutcomeRecorder recorder)
    {
        var spec = GlobalOptions.Spec();
        var selection = new BackupSelection();
        // Required, with no fallback to the source's settings: those name the production servers.
        var targetHost = new Option<string>("--target-host") { Description = "The scratch server to restore into (required: a drill never defaults to the source's servers).", Required = true };
        var targetPort = new Option<int>("--target-port") { Description = "Its port (required).", Required = true };
        var checkOnly = new Option<bool>("--check-only") { Description = "Load nothing: only compare a target this backup was already loaded into with its manifest." };
        var force = new Option<bool>("--force") { Hidden = true };
        var format = new Option<string>("--output", "-o") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command(
            "drill",
            "Restores a backup into an EMPTY scratch server (any server holding data is refused, --force or not), then checks that the " +
            "server holds exactly the schemas' objects and every table's row count recorded in the manifest at backup time.")
        {
            spec, targetHost, targetPort, checkOnly, force, format,
        };
        selection.AddTo(command);
        targetPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var port and (< 1 or > 65535))
            {
                result.AddError($"--target-port must be between 1 and 65535, not {port}");
            }
        });
        force.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<bool>())
            {
                result.AddError("a drill never loads into a server that holds data: --force is not accepted (give an empty scratch server)");
            }
        });
        command.SetAction(CommandAction.Create(options, error, "the drill was cancelled; temporary files were removed; the scratch target may hold part of the backup", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var id = selection.Resolve(parseResult);
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory, recorder);
            var storage = Capabilities.RequireStorage<IReadableBackupStorage>(job, "backup drill");
            var source = Capabilities.RequireDrillableSource(job);
            var inventory = BackupInventory.Of(job, storage);
            var backup = await inventory.FindAsync(id, cancellationToken);
            recorder.Backup(backup.Id, $"{storage.Location}/{backup.ArchiveKey}", backup.ArchiveSize);
            var target = new RestoreTarget(parseResult.GetValue(targetHost), parseResult.GetValue(targetPort));

            var report = await new DrillRunner(loggerFactory).RunAsync(
                job.Spec, source, inventory, backup, target, parseResult.GetValue(checkOnly), TempWorkspace.ParentFor(job.Spec), cancellationToken);
            if (parseResult.GetValue(format) == "json")
            {
                output.WriteLine(report.ToJson());
            }
            else
            {
                report.WriteTable(output);
            }

            if (report.Result == DrillReport.Failed)
            {
                var line = $"drill of {report.BackupId} failed: {report.Differences.Count} differences between the manifest and {report.Target}, first: {report.Differences[0]}";
                recorder.Failed(line);
                error.WriteLine($"error: {line}");
                return ExitCodes.DrillFailed;
            }

            if (report.Result == DrillReport.Unchecked)
            {
                loggerFactory.CreateLogger("Backup.Drill").LogWarning("{Note}", report.Note);
            }

            return ExitCodes.Success;
        }, ("drill", recorder)));
        return command;
    }
}
