using System.Diagnostics;
using System.Globalization;
using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Inventory;
using Backup.Plugins.MariaDbHa.Nodes;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Picks a healthy node (Synced, in the Primary component), dumps it in the configured layout and falls over to the next node when the dump fails.</summary>
internal sealed partial class MariaDbHaSource(MariaDbHaSettings settings, ILogger<MariaDbHaSource> logger) : IBackupSource
{
    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var candidates = await settings.Discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var probe = new NodeProbe(settings.User, password, settings.ConnectTimeoutSeconds);
        var ranking = new NodeRanking(settings.Prefer, settings.Avoid);
        using var login = ClientLogin.Create(context.WorkDirectory, password, settings.Password.SecretVariables);

        // Why each node was not dumped (latest reason); nodes tried once are not tried again.
        var reasons = new Dictionary<NodeCandidate, string>();
        var tried = new HashSet<NodeCandidate>();
        NodeDumpException? lastFailure = null;
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            // Probe again before every attempt: a dump can take long, and the states seen before it are stale.
            var reports = await Task.WhenAll(candidates.Where(c => !tried.Contains(c)).Select(c => probe.ProbeAsync(c, cancellationToken))).ConfigureAwait(false);
            foreach (var report in reports)
            {
                if (report.Problem is { } problem && (!reasons.TryGetValue(report.Node, out var known) || known != problem))
                {
                    logger.LogInformation("Node {Node} is not usable: {Reason}", report.Node, problem);
                    reasons[report.Node] = problem;
                }
            }

            var usable = ranking.Order(reports);
            if (usable.Count == 0)
            {
                break;
            }

            var chosen = usable[0];
            // Not a reason to fall over: Galera replicates grants, so every node would say the same.
            if (DumpPrivileges.Problem(settings, chosen) is { } missing)
            {
                throw new BackupSourceException(missing);
            }

            if (ranking.IsAvoided(chosen))
            {
                logger.LogWarning("Only avoided nodes are usable; dumping from {Node} anyway", chosen.Node);
            }

            logger.LogInformation("Dumping from {Node} ({Status}), attempt {Attempt} of at most {MaxAttempts}",
                chosen.Node, chosen.Status!.Summary, attempt, settings.MaxAttempts);
            try
            {
                return await DumpAsync(chosen, probe, login, context, attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeDumpException ex)
            {
                // A mariadb-dump whose node dies under it may exit 2 with nothing on stderr: say how the node is now.
                var now = (await probe.ProbeAsync(chosen.Node, cancellationToken).ConfigureAwait(false)).Problem;
                var reason = now is null ? ex.Message : $"{ex.Message} (node now: {now})";
                reasons[chosen.Node] = reason;
                lastFailure = ex;
                // With another usable node, the next attempt falls over to it; with none, a race a new snapshot does not
                // meet again (a TRUNCATE during the dump) is worth another attempt on the same node.
                if (ex.Retryable && now is null && usable.Count == 1 && attempt < settings.MaxAttempts)
                {
                    var backoff = RetryBackoff(attempt);
                    logger.LogWarning("Dump from {Node} failed: {Reason}; retrying on it, the only usable node, in {Seconds} s", chosen.Node, reason, backoff.TotalSeconds);
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                tried.Add(chosen.Node);
                logger.LogWarning("Dump from {Node} failed: {Reason}", chosen.Node, reason);
            }
        }

        throw Failure(candidates, reasons, lastFailure);
    }

    // 1 s, 2 s, 4 s ... at most 30 s: a TRUNCATE or an instant ALTER is over in milliseconds (the test's retry after
    // 1 s succeeds); a COPY ALTER of a big table takes longer, and doubling gives it time without idling in the common case.
    private static TimeSpan RetryBackoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt - 1, 5)));

    private BackupSourceException Failure(IReadOnlyList<NodeCandidate> candidates, Dictionary<NodeCandidate, string> reasons, NodeDumpException? lastFailure)
    {
        if (candidates.Count == 1)
        {
            // One node (e.g. a service address): its own error says it all.
            return lastFailure is not null
                ? new BackupSourceException(reasons[candidates[0]], lastFailure)
                : new BackupSourceException($"cannot dump {candidates[0]}: {reasons[candidates[0]]}");
        }

        var each = candidates.Select(c => $"{c}: {(reasons.TryGetValue(c, out var reason) ? reason : $"not tried (maxAttempts {settings.MaxAttempts} reached)")}");
        return new BackupSourceException($"no MariaDB node could be dumped ({candidates.Count} from {settings.Discovery.Description}): {string.Join("; ", each)}", lastFailure);
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
