using System.Globalization;
using MySqlConnector;

namespace Backup.MariaDb.Binlogs;

/// <summary>The binary-log facts of one node, read over an open connection: its files, where each starts in GTID terms, and its settings.</summary>
internal sealed class BinlogServer(MySqlConnection connection)
{
    /// <summary>The node's binary log files, oldest first (<c>SHOW BINARY LOGS</c>); the last one is the active one.</summary>
    public async Task<IReadOnlyList<string>> FilesAsync(CancellationToken cancellationToken)
    {
        var files = new List<string>();
        await using var command = new MySqlCommand("SHOW BINARY LOGS", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            files.Add(reader.GetString(0));
        }

        return files;
    }

    /// <summary>The GTID state a file starts from (its Gtid_list event): the last GTID of each domain logged before it.</summary>
    public async Task<IReadOnlyList<Gtid>> StartStateAsync(string file, CancellationToken cancellationToken)
    {
        // The Gtid_list event follows the format description; LIMIT bounds the read to the file's first events.
        await using var command = new MySqlCommand("SHOW BINLOG EVENTS IN @file LIMIT 4", connection);
        command.Parameters.AddWithValue("@file", file);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetString(2) == "Gtid_list")
            {
                return Gtid.ParseList(reader.GetString(5));
            }
        }

        return [];
    }

    /// <summary>The last GTID the node logged in <paramref name="domain"/> (from <c>gtid_binlog_pos</c>), or null.</summary>
    public async Task<Gtid?> LastLoggedAsync(uint domain, CancellationToken cancellationToken) =>
        Gtid.ParseList(await ScalarAsync("SELECT @@GLOBAL.gtid_binlog_pos", cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Domain == domain);

    /// <summary>Closes the node's active binary log and opens the next; LOCAL keeps the statement out of the binlog, so Galera does not rotate the other nodes too.</summary>
    public async Task RotateAsync(CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("FLUSH LOCAL BINARY LOGS", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The server variables point-in-time recovery depends on, by name (lower case).</summary>
    public async Task<IReadOnlyDictionary<string, string>> SettingsAsync(CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT @@log_bin, @@log_slave_updates, @@binlog_format, @@wsrep_on, @@wsrep_gtid_mode, @@wsrep_gtid_domain_id,
                   @@gtid_domain_id, @@server_id, @@wsrep_node_name
            """;
        string[] names = ["log_bin", "log_slave_updates", "binlog_format", "wsrep_on", "wsrep_gtid_mode", "wsrep_gtid_domain_id", "gtid_domain_id", "server_id", "wsrep_node_name"];
        await using var command = new MySqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            values[names[i]] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
        }

        return values;
    }

    private async Task<string?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
