namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>What a restore must know about its target before loading anything.</summary>
/// <param name="UserDatabases">Databases other than the system ones that hold data: tables (or views), routines or events.</param>
/// <param name="IsGalera">Whether the server is a Galera node (<c>wsrep_on=ON</c>).</param>
internal sealed record TargetState(IReadOnlyList<string> UserDatabases, bool IsGalera)
{
    // An empty schema is not data: mariadb-install-db on Debian creates an empty `test`, and a fresh server must count as empty.
    private static readonly string UserDatabasesSql =
        "SELECT DISTINCT s FROM (" +
        "SELECT table_schema AS s FROM information_schema.tables UNION ALL " +
        "SELECT routine_schema FROM information_schema.routines UNION ALL " +
        "SELECT event_schema FROM information_schema.events) AS o " +
        $"WHERE s NOT IN ({SystemSchemas.SqlList}) ORDER BY s";

    /// <summary>Asks the target; a server built without wsrep has no <c>wsrep_on</c> and is not Galera.</summary>
    public static async Task<TargetState> ReadAsync(MariaDbClient client, CancellationToken cancellationToken)
    {
        var databases = await client.QueryAsync(UserDatabasesSql, cancellationToken).ConfigureAwait(false);
        var wsrep = await client.QueryAsync("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'", cancellationToken).ConfigureAwait(false);
        var isGalera = wsrep.Any(row => row.Split('\t') is [_, var value] && value.Equals("ON", StringComparison.OrdinalIgnoreCase));
        return new TargetState(databases, isGalera);
    }
}
