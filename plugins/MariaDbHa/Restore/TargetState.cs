namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>What a restore must know about its target before loading anything.</summary>
/// <param name="UserDatabases">Databases other than the system ones (mysql, information_schema, performance_schema, sys).</param>
/// <param name="IsGalera">Whether the server is a Galera node (<c>wsrep_on=ON</c>).</param>
internal sealed record TargetState(IReadOnlyList<string> UserDatabases, bool IsGalera)
{
    private const string UserDatabasesSql =
        "SELECT schema_name FROM information_schema.schemata " +
        "WHERE schema_name NOT IN ('mysql','information_schema','performance_schema','sys') ORDER BY schema_name";

    /// <summary>Asks the target; a server built without wsrep has no <c>wsrep_on</c> and is not Galera.</summary>
    public static async Task<TargetState> ReadAsync(MariaDbClient client, CancellationToken cancellationToken)
    {
        var databases = await client.QueryAsync(UserDatabasesSql, cancellationToken).ConfigureAwait(false);
        var wsrep = await client.QueryAsync("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'", cancellationToken).ConfigureAwait(false);
        var isGalera = wsrep.Any(row => row.Split('\t') is [_, var value] && value.Equals("ON", StringComparison.OrdinalIgnoreCase));
        return new TargetState(databases, isGalera);
    }
}
