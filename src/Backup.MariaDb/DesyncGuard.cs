using Backup.MariaDb.Nodes;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Backup.MariaDb;

/// <summary>Holds a Galera node desynced (<c>wsrep_desync=ON</c>) for a dump, so flow control does not stall the cluster, and always undoes it.</summary>
/// <remarks>
/// The undo runs on dispose with its own timeout and a fresh connection: the run's token may be cancelled and
/// the first connection broken by then, and a node left desynced would silently fall behind the cluster.
/// </remarks>
internal sealed class DesyncGuard : IAsyncDisposable
{
    private static readonly TimeSpan UndoTimeout = TimeSpan.FromSeconds(30);

    private readonly NodeProbe _probe;
    private readonly NodeCandidate _node;
    private readonly ILogger _logger;

    private DesyncGuard(NodeProbe probe, NodeCandidate node, ILogger logger)
    {
        _probe = probe;
        _node = node;
        _logger = logger;
    }

    /// <summary>Desyncs <paramref name="node"/>; throws <see cref="NodeDumpException"/> when it cannot (e.g. no SUPER privilege, node gone).</summary>
    public static async Task<DesyncGuard> EnterAsync(NodeProbe probe, NodeCandidate node, ILogger logger, CancellationToken cancellationToken)
    {
        var guard = new DesyncGuard(probe, node, logger);
        try
        {
            await guard.SetAsync("ON", cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            // A statement that failed half-way may still have applied: undo to be sure.
            await guard.DisposeAsync().ConfigureAwait(false);
            throw new NodeDumpException($"cannot desync {node.Address}: {NodeProbe.Describe(ex)}", ex);
        }
        catch (OperationCanceledException)
        {
            await guard.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        logger.LogInformation("Node {Node} desynced (wsrep_desync=ON) for the dump", node);
        return guard;
    }

    /// <summary>Turns desync off again; logs an error instead of throwing, so it never hides the dump's own outcome.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(UndoTimeout);
        try
        {
            await SetAsync("OFF", timeout.Token).ConfigureAwait(false);
            _logger.LogInformation("Node {Node} resynced (wsrep_desync=OFF)", _node);
        }
        catch (Exception ex) when (ex is MySqlException or OperationCanceledException)
        {
            // A node that died has lost the setting with its process; one that is alive needs a human.
            _logger.LogError("Could not set wsrep_desync=OFF on {Node} again ({Reason}); if the node is running, run SET GLOBAL wsrep_desync=OFF on it",
                _node, ex is MySqlException my ? NodeProbe.Describe(my) : "timed out");
        }
    }

    private async Task SetAsync(string value, CancellationToken cancellationToken)
    {
        await using var connection = await _probe.OpenAsync(_node, cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand($"SET GLOBAL wsrep_desync={value}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
