using Backup.MariaDb.Nodes;
using MySqlConnector;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Estimates a dump's size from <c>information_schema.TABLES</c>: the sum of <c>DATA_LENGTH</c> of the base tables the layout dumps.</summary>
/// <remarks>
/// <c>DATA_LENGTH</c> only, not <c>INDEX_LENGTH</c>: a dump holds each row once as SQL text, and a secondary index
/// becomes one line of <c>CREATE TABLE</c>, so adding index sizes would count bytes the dump never writes. For InnoDB
/// it is the clustered index's pages (rows plus page slack), read from the table statistics without scanning a table;
/// measured against the dump in docs/monitoring.md. Views, <c>information_schema</c> and <c>performance_schema</c>
/// hold no rows a dump writes.
/// </remarks>
internal static class DumpSizeEstimate
{
    /// <summary>How long the query may take; the host gives up earlier still, and then simply shows no percent.</summary>
    private const int CommandTimeoutSeconds = 10;

    /// <summary>The estimated bytes of a dump of <paramref name="node"/> without <paramref name="ignoredDatabases"/>, or null when the server says nothing.</summary>
    public static async Task<long?> QueryAsync(NodeProbe probe, NodeCandidate node, IReadOnlyList<string> ignoredDatabases, CancellationToken cancellationToken)
    {
        await using var connection = await probe.OpenAsync(node, cancellationToken).ConfigureAwait(false);
        string[] excluded = ["information_schema", "performance_schema", .. ignoredDatabases];
        var names = string.Join(", ", excluded.Select((_, i) => $"@schema{i}"));
        await using var command = new MySqlCommand(
            $"SELECT SUM(DATA_LENGTH) FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ({names})",
            connection)
        {
            CommandTimeout = CommandTimeoutSeconds,
        };
        for (var i = 0; i < excluded.Length; i++)
        {
            command.Parameters.AddWithValue($"@schema{i}", excluded[i]);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }
}
