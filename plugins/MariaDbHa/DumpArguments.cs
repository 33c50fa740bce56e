namespace Backup.Plugins.MariaDbHa;

/// <summary>Builds mariadb-dump's arguments; the password is never among them.</summary>
internal static class DumpArguments
{
    /// <summary>The arguments after the option file: connection, the seed's consistent all-databases dump, then the user's extras.</summary>
    public static IReadOnlyList<string> For(MariaDbHaSettings settings) =>
    [
        $"--host={settings.Host}",
        $"--port={settings.Port}",
        $"--user={settings.User}",
        // One consistent snapshot of InnoDB tables without blocking Galera writes.
        "--single-transaction",
        "--events",
        "--routines",
        "--all-databases",
        "--skip-add-locks",
        // Users and their password hashes: kept out of the dump, as the seed did.
        "--ignore-table=mysql.global_priv",
        .. settings.ExtraArgs,
    ];
}
