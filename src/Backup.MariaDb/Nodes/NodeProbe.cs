using System.Globalization;
using MySqlConnector;

namespace Backup.MariaDb.Nodes;

/// <summary>Connects to nodes with MySqlConnector (the password stays in this process) to read their Galera state and the login's grants, and to toggle desync.</summary>
internal sealed class NodeProbe(string user, string password, int connectTimeoutSeconds)
{
    private static readonly string[] StatusNames =
    [
        "wsrep_local_state_comment", "wsrep_cluster_status", "wsrep_ready", "wsrep_cluster_size", "wsrep_last_committed", "Threads_connected",
    ];

    private static readonly string[] VariableNames = ["version", "wsrep_on", "wsrep_node_name", "log_bin", "gtid_binlog_pos"];

    /// <summary>Opens a connection to <paramref name="node"/> as the configured user; unpooled, so a dead node's connection is never reused.</summary>
    public async Task<MySqlConnection> OpenAsync(NodeCandidate node, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = node.Host,
            Port = (uint)node.Port,
            UserID = user,
            Password = password,
            ConnectionTimeout = (uint)connectTimeoutSeconds,
            DefaultCommandTimeout = 30,
            Pooling = false,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads the node's state; a node that cannot be reached gives a report with the reason instead of throwing.</summary>
    public async Task<NodeReport> ProbeAsync(NodeCandidate node, CancellationToken cancellationToken)
    {
        if (node.Unavailable is not null)
        {
            return new NodeReport(node, null, null);
        }

        try
        {
            await using var connection = await OpenAsync(node, cancellationToken).ConfigureAwait(false);
            var status = await ReadAsync(connection, "STATUS", StatusNames, cancellationToken).ConfigureAwait(false);
            var variables = await ReadAsync(connection, "VARIABLES", VariableNames, cancellationToken).ConfigureAwait(false);
            var grants = await ReadGrantsAsync(connection, cancellationToken).ConfigureAwait(false);
            return new NodeReport(node, ToStatus(status, variables, grants), null);
        }
        catch (MySqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new NodeReport(node, null, Describe(ex));
        }
    }

    /// <summary>The one-line reason for a failed connection or query.</summary>
    public static string Describe(MySqlException ex) => ex.ErrorCode switch
    {
        MySqlErrorCode.AccessDenied => $"login refused: {ex.Message}",
        MySqlErrorCode.UnableToConnectToHost => $"unreachable: {ex.Message}",
        _ => $"error {(int)ex.ErrorCode}: {ex.Message}",
    };

    private static async Task<Dictionary<string, string>> ReadAsync(MySqlConnection connection, string kind, string[] names, CancellationToken cancellationToken)
    {
        // SHOW ... WHERE works on MariaDB and MySQL alike, also on a node outside the Primary component.
        var list = string.Join(", ", names.Select(n => $"'{n}'"));
        await using var command = new MySqlCommand($"SHOW GLOBAL {kind} WHERE Variable_name IN ({list})", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        }

        return values;
    }

    private static async Task<GlobalPrivileges> ReadGrantsAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SHOW GRANTS", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var lines = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(reader.GetString(0));
        }

        return GlobalPrivileges.Parse(lines);
    }

    private static NodeStatus ToStatus(Dictionary<string, string> status, Dictionary<string, string> variables, GlobalPrivileges privileges)
    {
        string? Get(Dictionary<string, string> values, string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        bool On(string? value) => string.Equals(value, "ON", StringComparison.OrdinalIgnoreCase) || value == "1";

        return new NodeStatus(
            IsGalera: On(Get(variables, "wsrep_on")),
            LocalState: Get(status, "wsrep_local_state_comment"),
            ClusterStatus: Get(status, "wsrep_cluster_status"),
            Ready: On(Get(status, "wsrep_ready")),
            ClusterSize: int.TryParse(Get(status, "wsrep_cluster_size"), CultureInfo.InvariantCulture, out var size) ? size : null,
            NodeName: Get(variables, "wsrep_node_name"),
            Version: Get(variables, "version"),
            LogBin: On(Get(variables, "log_bin")),
            GtidBinlogPos: Get(variables, "gtid_binlog_pos"),
            LastCommitted: Get(status, "wsrep_last_committed"),
            ThreadsConnected: long.TryParse(Get(status, "Threads_connected"), CultureInfo.InvariantCulture, out var threads) ? threads : 0,
            Privileges: privileges);
    }
}
