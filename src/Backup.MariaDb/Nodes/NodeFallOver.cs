using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.MariaDb.Nodes;

/// <summary>Picks a healthy node (Synced, in the Primary component, ranked by prefer/avoid), runs one attempt on it and falls over to the next node when the attempt fails.</summary>
/// <remarks>Shared by the mariadb-ha (mariadb-dump) and mariadb-backup (physical) sources: only the attempt differs.</remarks>
internal sealed class NodeFallOver(NodeSettings settings, ILogger logger)
{
    /// <summary>One attempt on the chosen node; throws <see cref="NodeDumpException"/> for a failure another node (or a retry) may not meet.</summary>
    public delegate Task<T> Attempt<T>(NodeReport chosen, NodeProbe probe, ClientLogin login, int attempt, CancellationToken cancellationToken);

    /// <summary>Resolves the password, then runs <paramref name="attemptAsync"/> on the best usable node, falling over at most <see cref="NodeSettings.MaxAttempts"/> times.</summary>
    /// <param name="workDirectory">The run's private temp directory (the option file's fallback where there is no memfd).</param>
    /// <param name="precheck">A problem with the chosen node that no other node would solve (e.g. missing grants, which Galera replicates), or null.</param>
    /// <param name="attemptAsync">The backup itself, with the login its client programs use.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public async Task<T> RunAsync<T>(string workDirectory, Func<NodeReport, string?> precheck, Attempt<T> attemptAsync, CancellationToken cancellationToken)
    {
        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        using var login = ClientLogin.Create(workDirectory, password, settings.Password.SecretVariables);
        var candidates = await settings.Discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var probe = new NodeProbe(settings.User, password, settings.ConnectTimeoutSeconds);
        var ranking = new NodeRanking(settings.Prefer, settings.Avoid);

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
            if (precheck(chosen) is { } missing)
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
                return await attemptAsync(chosen, probe, login, attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeDumpException ex)
            {
                // A client whose node dies under it may exit 2 with nothing on stderr: say how the node is now.
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
}
