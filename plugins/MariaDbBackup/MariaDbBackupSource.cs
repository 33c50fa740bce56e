using System.Diagnostics;
using System.Globalization;
using Backup.Abstractions;
using Backup.MariaDb;
using Backup.MariaDb.Nodes;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>Streams a physical backup of a healthy node (chosen by <see cref="NodeFallOver"/>) as one mbstream entry, falling over to the next node when it fails.</summary>
/// <remarks>
/// mariadb-backup copies the node's data files, so it must run where they are: the chosen node's datadir has to be
/// mounted here (docs/mariadb-backup.md: a sidecar or a Job with the PVC). The stream goes straight into the host's
/// writer (compression, upload): no temp copy of the data; only mariadb-backup's two small fact files land in the
/// run's work directory.
/// </remarks>
internal sealed partial class MariaDbBackupSource(MariaDbBackupSettings settings, ILogger<MariaDbBackupSource> logger) : IIncrementalBackupSource
{
    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // No precheck of grants: mariadb-backup itself fails at once, naming what it lacks.
        return await new NodeFallOver(settings.Nodes, logger).RunAsync(
            context.WorkDirectory,
            _ => null,
            (chosen, probe, login, attempt, ct) => BackupNodeAsync(chosen, probe, login, context, attempt, ct),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<SourceResult> BackupNodeAsync(NodeReport chosen, NodeProbe probe, ClientLogin login, BackupContext context, int attempt, CancellationToken cancellationToken)
    {
        var (node, status) = (chosen.Node, chosen.Status!);
        // --extra-lsndir: mariadb-backup also writes xtrabackup_checkpoints and xtrabackup_info here, so the manifest gets
        // the LSNs and binlog position without parsing the stream. --target-dir is only its scratch while streaming.
        var facts = Path.Combine(context.WorkDirectory, $"mariadb-backup-{Guid.NewGuid():N}");
        Directory.CreateDirectory(facts);
        IReadOnlyList<string> arguments =
        [
            "--backup", "--stream=mbstream", "--galera-info",
            $"--host={node.Host}", $"--port={node.Port.ToString(CultureInfo.InvariantCulture)}", $"--user={settings.Nodes.User}",
            $"--target-dir={facts}", $"--extra-lsndir={facts}",
        ];
        var basedOn = IncrementBase(context.Previous, node, status);
        if (basedOn is not null)
        {
            // --incremental-lsn, not --incremental-basedir: the base lives in storage, only its LSN is needed here.
            arguments = [.. arguments, $"--incremental-lsn={context.Previous!.Metadata["toLsn"]}"];
            logger.LogInformation("Incremental backup of {Node} on {Base} (pages changed since LSN {Lsn})", node, basedOn, context.Previous.Metadata["toLsn"]);
        }

        var startedAt = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();

        await using var desync = settings.Nodes.Desync && status.IsGalera
            ? await DesyncGuard.EnterAsync(probe, node, logger, cancellationToken).ConfigureAwait(false)
            : null;

        CountingWriteStream? tap = null;
        logger.LogInformation("Streaming a physical backup of {Node} as {User} into {Entry}", node, settings.Nodes.User, settings.EntryName);
        await context.Writer.WriteEntryAsync(
            settings.EntryName,
            async (stream, ct) =>
            {
                tap = new CountingWriteStream(stream);
                await RunAsync(node, login.Wrap(settings.BackupCommand, arguments).WithStandardOutputPipe(BlockingPipeReader.To(tap)), ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        var finishedAt = DateTimeOffset.UtcNow;
        logger.LogInformation("Physical backup of {Node} finished: {Bytes} bytes in {Seconds:F1} s", node, tap!.Length, stopwatch.Elapsed.TotalSeconds);

        var checkpoints = await BackupFacts.ReadAsync(Path.Combine(facts, "xtrabackup_checkpoints"), cancellationToken).ConfigureAwait(false);
        var info = await BackupFacts.ReadAsync(Path.Combine(facts, "xtrabackup_info"), cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, string>
        {
            ["node"] = node.Address,
            ["host"] = node.Host,
            ["port"] = node.Port.ToString(CultureInfo.InvariantCulture),
            ["user"] = settings.Nodes.User,
            ["format"] = "mbstream",
            ["entryName"] = settings.EntryName,
            ["backupBytes"] = tap.Length.ToString(CultureInfo.InvariantCulture),
            ["backupStartedAt"] = startedAt.ToString("O", CultureInfo.InvariantCulture),
            ["backupFinishedAt"] = finishedAt.ToString("O", CultureInfo.InvariantCulture),
            ["attempt"] = attempt.ToString(CultureInfo.InvariantCulture),
            ["galera"] = status.IsGalera ? "true" : "false",
            ["desync"] = settings.Nodes.Desync && status.IsGalera ? "true" : "false",
        };
        Add(metadata, "pod", node.Name);
        Add(metadata, "serverVersion", info.GetValueOrDefault("server_version") ?? status.Version);
        Add(metadata, "toolVersion", info.GetValueOrDefault("tool_version"));
        // "filename 'binlog.000003', position '379', GTID of the last change '0-1-162'" when the node writes a binlog.
        Add(metadata, "binlogPosition", info.GetValueOrDefault("binlog_pos"));
        Add(metadata, "backupType", checkpoints.GetValueOrDefault("backup_type"));
        Add(metadata, "fromLsn", checkpoints.GetValueOrDefault("from_lsn"));
        Add(metadata, "toLsn", checkpoints.GetValueOrDefault("to_lsn"));
        Add(metadata, "lastLsn", checkpoints.GetValueOrDefault("last_lsn"));
        Add(metadata, "gtidBinlogPos", status.GtidBinlogPos);
        if (status.IsGalera)
        {
            // The exact uuid:seqno of the copy is xtrabackup_galera_info inside the stream (the restore logs it); this is
            // the node's state as probed just before the backup.
            Add(metadata, "wsrepNodeName", status.NodeName);
            Add(metadata, "wsrepLastCommitted", status.LastCommitted);
        }

        return new SourceResult(metadata) { BasedOn = basedOn };
    }

    // LSNs number the changes of one datadir: an increment is only valid on a base copied from the same node. Any doubt
    // (another node after a fall-over, a changed prefer, a base without LSN) makes a full backup, said in the log.
    private string? IncrementBase(PreviousBackup? previous, NodeCandidate node, NodeStatus status)
    {
        if (previous is null)
        {
            return null;
        }

        var facts = previous.Metadata;
        var sameNode = facts.GetValueOrDefault("node") == node.Address
            && (!status.IsGalera || facts.GetValueOrDefault("wsrepNodeName") == status.NodeName);
        if (!sameNode || !ulong.TryParse(facts.GetValueOrDefault("toLsn"), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            logger.LogInformation(
                "Full backup: the previous backup {Base} was taken from {Previous}, not {Node} (or has no LSN); an increment builds only on the same node's datadir",
                previous.BackupId, facts.GetValueOrDefault("wsrepNodeName") ?? facts.GetValueOrDefault("node") ?? "?", node);
            return null;
        }

        return previous.BackupId;
    }

    private async Task RunAsync(NodeCandidate node, CliWrap.Command command, CancellationToken cancellationToken)
    {
        int exitCode;
        string stderr;
        try
        {
            (exitCode, stderr) = await ClientProcess.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientNotStartedException ex)
        {
            throw new BackupSourceException($"cannot start '{settings.BackupCommand}': {ex.Message}", ex);
        }

        if (exitCode != 0)
        {
            throw new NodeDumpException($"{Path.GetFileName(settings.BackupCommand)} of {node.Address} failed with exit code {exitCode}: {stderr}");
        }
    }

    private static void Add(Dictionary<string, string> metadata, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            metadata[key] = value;
        }
    }
}
