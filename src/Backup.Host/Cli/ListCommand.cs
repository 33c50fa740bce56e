using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.PointInTime;
using Backup.Host.Stored;

namespace Backup.Host.Cli;

/// <summary><c>backup list --spec job.yaml [--output json]</c>: the job's backups, newest first.</summary>
internal static class ListCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var spec = GlobalOptions.Spec();
        var format = new Option<string>("--output", "-o") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("list", "Lists the job's backups, newest first: id, time, size, checksum state (complete = .sha1 present), node, and notes on increments (their base) and backups dated in the future; then the point-in-time recoverable window when binlogs are archived.") { spec, format };
        command.SetAction(CommandAction.Create(options, error, "listing was cancelled", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory);
            var storage = Capabilities.RequireStorage<IReadableBackupStorage>(job, "backup list");
            var inventory = BackupInventory.Of(job, storage);
            var listings = new List<BackupListing>();
            foreach (var backup in await inventory.ListAsync(cancellationToken))
            {
                var manifest = await inventory.ReadManifestAsync(backup, cancellationToken);
                var key = (backup.ArchiveKey ?? backup.ManifestKey ?? backup.ChecksumKey)!;
                listings.Add(new BackupListing(
                    backup.Id,
                    backup.Timestamp,
                    backup.ArchiveSize,
                    backup.IsComplete ? BackupListing.Complete : BackupListing.Incomplete,
                    NodeOf(manifest),
                    key,
                    storage.WhereIs(key),
                    backup.IsFutureDated,
                    manifest?.BasedOn));
            }

            if (parseResult.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(listings, Json));
            }
            else
            {
                WriteTable(output, listings);
                if (job.Source is ILogReplayingSource source)
                {
                    var logs = new LogArchive(storage, job.Spec.Artifact.Prefix);
                    if ((await logs.ListAsync(cancellationToken)) is { } archived && archived.Indexes.Count + archived.Missing.Count > 0)
                    {
                        output.WriteLine($"Recoverable window (restore --to-time/--to-gtid): {await new PointInTimePlanner(inventory, logs, source).WindowAsync(cancellationToken)}");
                    }
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The node a backup came from: the source's <c>node</c> fact, else the host it dumped.</summary>
    private static string? NodeOf(BackupManifest? manifest) =>
        manifest?.SourceMetadata.GetValueOrDefault("node") ?? manifest?.SourceMetadata.GetValueOrDefault("host");

    private static void WriteTable(TextWriter output, IReadOnlyList<BackupListing> listings)
    {
        var idWidth = Math.Max(2, listings.Select(l => l.Id.Length).DefaultIfEmpty(0).Max());
        var nodeWidth = Math.Max(4, listings.Select(l => (l.Node ?? "-").Length).DefaultIfEmpty(0).Max());
        output.WriteLine($"{"ID".PadRight(idWidth)}  {"TIMESTAMP",-20}  {"SIZE",14}  {"CHECKSUM",-10}  {"NODE".PadRight(nodeWidth)}  LOCATION");
        foreach (var l in listings)
        {
            var time = l.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var size = l.Size?.ToString(CultureInfo.InvariantCulture) ?? "-";
            var note = (l.BasedOn is null ? "" : $"  increment on {l.BasedOn}") + (l.FutureDated ? $"  {BackupListing.FutureDatedNote}" : "");
            output.WriteLine($"{l.Id.PadRight(idWidth)}  {time,-20}  {size,14}  {l.Checksum,-10}  {(l.Node ?? "-").PadRight(nodeWidth)}  {l.Location}{note}");
        }
    }
}
