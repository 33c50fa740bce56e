using Backup.Abstractions;
using Backup.MariaDb.Nodes;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Backup.MariaDb.Binlogs;

/// <summary>Archives the closed binary logs of one elected node (Synced, Primary, chosen like a dump's node), falling over to another node at the next GTID.</summary>
/// <remarks>
/// <para>Positions are GTIDs, never file names or offsets: those differ between Galera nodes. The file to continue
/// from on any node is the last closed one whose starting GTID state (its Gtid_list event) is at or before the last
/// archived GTID, so it holds the next transaction; the transactions it repeats are skipped at replay, never
/// replayed twice. The node of the previous round is preferred, so a healthy node's files are archived once each.</para>
/// <para>Files are read with <c>mariadb-binlog --read-from-remote-server --raw</c>, the password in the login's
/// option file, and summarised by <see cref="BinlogScanner"/>.</para>
/// </remarks>
internal sealed class BinlogArchiver(NodeSettings settings, string binlogCommand, ILogger logger)
{
    private NodeCandidate? _lastNode;

    /// <summary>One line naming the first missing server setting, or null; throws <see cref="BackupSourceException"/> when no node answers.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var probe = new NodeProbe(settings.User, password, settings.ConnectTimeoutSeconds);
        var found = new List<(string, IReadOnlyDictionary<string, string>)>();
        var unreachable = new List<string>();
        foreach (var node in await settings.Discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await using var connection = await probe.OpenAsync(node, cancellationToken).ConfigureAwait(false);
                found.Add((node.ToString(), await new BinlogServer(connection).SettingsAsync(cancellationToken).ConfigureAwait(false)));
            }
            catch (MySqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                unreachable.Add($"{node}: {NodeProbe.Describe(ex)}");
            }
        }

        return found.Count > 0
            ? BinlogPreflight.Problem(found)
            : throw new BackupSourceException($"no node answered, so the binlog settings cannot be checked: {string.Join("; ", unreachable)}");
    }

    /// <summary>Hands every closed binlog file after <see cref="LogArchiveRequest.After"/> to the request's store, from the best usable node.</summary>
    public async Task ArchiveAsync(LogArchiveRequest request, CancellationToken cancellationToken)
    {
        var nodes = _lastNode is null ? settings : settings with { Prefer = [_lastNode.Address, .. settings.Prefer] };
        var after = request.After;
        await new NodeFallOver(nodes, logger).RunAsync(
            request.WorkDirectory,
            _ => null,
            async (chosen, probe, login, _, ct) =>
            {
                try
                {
                    after = await RoundAsync(chosen, probe, login, request, after, ct).ConfigureAwait(false);
                    _lastNode = chosen.Node;
                    return true;
                }
                catch (MySqlException ex) when (!ct.IsCancellationRequested)
                {
                    // The node died or left the Primary component under us: the next node continues after the last stored GTID.
                    throw new NodeDumpException($"binlog archiving from {chosen.Node} failed: {NodeProbe.Describe(ex)}", ex);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<LogPosition?> RoundAsync(NodeReport chosen, NodeProbe probe, ClientLogin login, LogArchiveRequest request, LogPosition? after, CancellationToken cancellationToken)
    {
        await using var connection = await probe.OpenAsync(chosen.Node, cancellationToken).ConfigureAwait(false);
        var server = new BinlogServer(connection);
        var domain = BinlogPreflight.Domain(await server.SettingsAsync(cancellationToken).ConfigureAwait(false));
        if (after is not null && after.Stream != domain.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new BackupSourceException($"the archive follows GTID domain {after.Stream}, but {chosen.Node} logs the cluster's transactions in domain {domain}: was wsrep_gtid_domain_id changed?");
        }

        if (request.CloseActiveLog && await server.LastLoggedAsync(domain, cancellationToken).ConfigureAwait(false) is { } logged
            && (after is null || (long)logged.Sequence > after.Sequence))
        {
            await server.RotateAsync(cancellationToken).ConfigureAwait(false);
        }

        var files = await server.FilesAsync(cancellationToken).ConfigureAwait(false);
        var closed = files.Take(files.Count - 1).ToList();
        var start = await FirstNeededAsync(server, closed, domain, after, cancellationToken).ConfigureAwait(false);
        var node = chosen.Status?.NodeName is { } name ? $"{chosen.Node.Address} ({name})" : chosen.Node.ToString();
        for (var i = start; i < closed.Count; i++)
        {
            // The name comes from the server and becomes a path here: a plain file name only.
            if (closed[i].Length == 0 || closed[i].Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) || closed[i].StartsWith('.'))
            {
                throw new NodeDumpException($"{chosen.Node} lists a binlog file named '{closed[i]}', which is not a plain file name");
            }

            var directory = Directory.CreateDirectory(Path.Combine(request.WorkDirectory, $"binlog-{Guid.NewGuid():N}")).FullName;
            try
            {
                var path = await DownloadAsync(login, chosen.Node, closed[i], directory, cancellationToken).ConfigureAwait(false);
                var summary = await BinlogScanner.SummarizeAsync(path, domain, cancellationToken).ConfigureAwait(false);
                if (summary is null || (after is not null && (long)summary.Last.Sequence <= after.Sequence))
                {
                    continue;
                }

                var previous = (await server.StartStateAsync(closed[i], cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Domain == domain);
                logger.LogInformation("Archiving {File} from {Node}: GTIDs {First} .. {Last}, after {Previous}", closed[i], node, summary.First, summary.Last, previous?.ToString() ?? "the log's start");
                await request.StoreAsync(
                    new LogSegment(path, closed[i], node, summary.First.ToPosition(), summary.Last.ToPosition(), summary.FirstEventTime, summary.LastEventTime)
                    {
                        Previous = previous?.ToPosition(),
                    },
                    cancellationToken).ConfigureAwait(false);
                after = summary.Last.ToPosition();
            }
            catch (InvalidDataException ex)
            {
                throw new NodeDumpException($"{closed[i]} from {chosen.Node}: {ex.Message}", ex);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        return after;
    }

    // The last closed file that starts at or before the archived position holds the next transaction; from the end,
    // so a long-lived node with many files is asked about the few newest ones only.
    private static async Task<int> FirstNeededAsync(BinlogServer server, IReadOnlyList<string> closed, uint domain, LogPosition? after, CancellationToken cancellationToken)
    {
        if (after is null)
        {
            return 0;
        }

        for (var i = closed.Count - 1; i >= 0; i--)
        {
            var state = (await server.StartStateAsync(closed[i], cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Domain == domain);
            if ((long)(state?.Sequence ?? 0) <= after.Sequence)
            {
                return i;
            }
        }

        // The node purged the files that held the next transaction: archive what it has; the host records the gap.
        return 0;
    }

    /// <summary>How long a download may go without a byte before it is given up on that node.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(120);

    private async Task<string> DownloadAsync(ClientLogin login, NodeCandidate node, string file, string directory, CancellationToken cancellationToken)
    {
        // --raw keeps the server's bytes; --result-file is then a prefix, so a directory with a trailing slash.
        var command = login.Wrap(binlogCommand, ["--read-from-remote-server", "--raw", $"--host={node.Host}", $"--port={node.Port}", $"--user={settings.User}", $"--result-file={directory}/", file]);
        var path = Path.Combine(directory, file);
        int exitCode;
        string stderr;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = StallWatch.RunAsync(path, StallLimit, stall, stall.Token);
        try
        {
            (exitCode, stderr) = await ClientProcess.RunAsync(command, stall.Token).ConfigureAwait(false);
        }
        catch (ClientNotStartedException ex)
        {
            throw new BackupSourceException($"cannot start '{binlogCommand}' (install mariadb-client): {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A node that stops sending (frozen, or a network that drops packets silently) would hold the archiver forever.
            throw new NodeDumpException($"{Path.GetFileName(binlogCommand)} stalled reading {file} from {node}: no bytes for {StallLimit.TotalSeconds:N0} s");
        }
        finally
        {
            await stall.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return exitCode == 0 && File.Exists(path)
            ? path
            : throw new NodeDumpException($"{Path.GetFileName(binlogCommand)} could not read {file} from {node} (exit code {exitCode}): {stderr}");
    }
}
