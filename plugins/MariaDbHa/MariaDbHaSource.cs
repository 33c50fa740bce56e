using System.Diagnostics;
using System.Globalization;
using Backup.Abstractions;
using Backup.MariaDb;
using Backup.MariaDb.Nodes;
using Backup.Plugins.MariaDbHa.Inventory;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Dumps a healthy node (chosen by <see cref="NodeFallOver"/>) in the configured layout, falling over to the next node when the dump fails.</summary>
internal sealed partial class MariaDbHaSource(MariaDbHaSettings settings, ILogger<MariaDbHaSource> logger) : IBackupSource
{
    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Missing grants are not a reason to fall over: Galera replicates grants, so every node would say the same.
        return await new NodeFallOver(settings.Nodes, logger).RunAsync(
            context.WorkDirectory,
            chosen => DumpPrivileges.Problem(settings, chosen),
            (chosen, probe, login, attempt, ct) => DumpAsync(chosen, probe, login, context, attempt, ct),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<SourceResult> DumpAsync(NodeReport chosen, NodeProbe probe, ClientLogin login, BackupContext context, int attempt, CancellationToken cancellationToken)
    {
        var node = chosen.Node;
        var status = chosen.Status!;
        var runner = new DumpRunner(settings.DumpCommand, login);
        var dataArguments = DumpArguments.Data(settings, node, status.LogBin);
        var usersArguments = settings.Layout == DumpLayout.GaleraSafe ? DumpArguments.Users(settings, node) : null;
        var startedAt = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();

        await using var desync = settings.Desync && status.IsGalera
            ? await DesyncGuard.EnterAsync(probe, node, logger, cancellationToken).ConfigureAwait(false)
            : null;

        // Users go to a scratch file first and into the archive only after the data: a retry on the next node
        // then never meets an entry the failed attempt already wrote.
        var usersFile = Path.Combine(context.WorkDirectory, $"users-{Guid.NewGuid():N}.sql");
        DumpStreamTap? data = null;
        try
        {
            if (usersArguments is not null)
            {
                await using var file = new FileStream(usersFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await runner.RunAsync(node, usersArguments, file, inventory: null, cancellationToken).ConfigureAwait(false);
            }

            logger.LogInformation("Dumping {Layout} layout from {Node} as {User} into {Entry}", DumpLayoutNames.Name(settings.Layout), node, settings.User, settings.EntryName);
            await context.Writer.WriteEntryAsync(
                settings.EntryName,
                async (stream, ct) => data = await runner.RunAsync(node, dataArguments, stream, new DumpInventory(), ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);

            if (usersArguments is not null)
            {
                await context.Writer.WriteEntryAsync(
                    DumpArguments.UsersEntryName,
                    async (stream, ct) =>
                    {
                        await using var file = File.OpenRead(usersFile);
                        await file.CopyToAsync(stream, ct).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(usersFile);
        }

        var finishedAt = DateTimeOffset.UtcNow;
        logger.LogInformation("Dump from {Node} finished: {Bytes} bytes in {Seconds:F1} s", node, data!.Length, stopwatch.Elapsed.TotalSeconds);
        var inventory = data.Inventory!.Complete();
        if (inventory is null)
        {
            logger.LogWarning("The dump holds more than {Max} objects: no inventory is recorded, so a drill of this backup can check only that it loads", ContentInventory.MaxItems);
        }

        return new SourceResult(Metadata(chosen, attempt, dataArguments, usersArguments, data, startedAt, finishedAt)) { Inventory = inventory };
    }

    private Dictionary<string, string> Metadata(
        NodeReport chosen,
        int attempt,
        IReadOnlyList<string> dataArguments,
        IReadOnlyList<string>? usersArguments,
        DumpStreamTap data,
        DateTimeOffset startedAt,
        DateTimeOffset finishedAt)
    {
        var (node, status) = (chosen.Node, chosen.Status!);
        var metadata = new Dictionary<string, string>
        {
            ["node"] = node.Address,
            ["host"] = node.Host,
            ["port"] = node.Port.ToString(CultureInfo.InvariantCulture),
            ["user"] = settings.User,
            ["layout"] = DumpLayoutNames.Name(settings.Layout),
            ["entryName"] = settings.EntryName,
            ["dumpArguments"] = string.Join(' ', dataArguments),
            ["dumpBytes"] = data.Length.ToString(CultureInfo.InvariantCulture),
            ["dumpStartedAt"] = startedAt.ToString("O", CultureInfo.InvariantCulture),
            ["dumpFinishedAt"] = finishedAt.ToString("O", CultureInfo.InvariantCulture),
            ["attempt"] = attempt.ToString(CultureInfo.InvariantCulture),
            ["galera"] = status.IsGalera ? "true" : "false",
            ["desync"] = settings.Desync && status.IsGalera ? "true" : "false",
            ["binlogPositionInDump"] = dataArguments.Contains("--master-data=2") ? "true" : "false",
        };
        if (usersArguments is not null)
        {
            metadata["usersEntryName"] = DumpArguments.UsersEntryName;
            metadata["usersDumpArguments"] = string.Join(' ', usersArguments);
        }

        Add(metadata, "pod", node.Name);
        Add(metadata, "serverVersion", DumpHeader.ServerVersion(data.Head) ?? status.Version);
        Add(metadata, "gtidBinlogPos", status.GtidBinlogPos);
        Add(metadata, GtidPositionKey, DumpHeader.GtidPosition(data.Tail));
        if (status.IsGalera)
        {
            Add(metadata, "wsrepNodeName", status.NodeName);
            Add(metadata, "wsrepClusterSize", status.ClusterSize?.ToString(CultureInfo.InvariantCulture));
            Add(metadata, "wsrepLastCommitted", status.LastCommitted);
        }

        return metadata;
    }

    private static void Add(Dictionary<string, string> metadata, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            metadata[key] = value;
        }
    }
}
