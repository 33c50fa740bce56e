using System.Globalization;
using Backup.MariaDb.Nodes;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Builds mariadb-dump's arguments for a layout; the password is never among them.</summary>
internal static class DumpArguments
{
    /// <summary>The name of the users-and-grants entry of the <see cref="DumpLayout.GaleraSafe"/> layout.</summary>
    public const string UsersEntryName = "users.sql";

    /// <summary>The arguments of the data dump (after the option file), then the user's extras.</summary>
    /// <param name="settings">The source's settings.</param>
    /// <param name="node">The node to dump.</param>
    /// <param name="logBin">Whether the node writes a binlog, so the dump can record its position.</param>
    public static IReadOnlyList<string> Data(MariaDbHaSettings settings, NodeCandidate node, bool logBin) => settings.Layout switch
    {
        DumpLayout.Seed =>
        [
            .. Connection(settings, node),
            // One consistent snapshot of InnoDB tables without blocking Galera writes.
            "--single-transaction",
            "--events",
            "--routines",
            "--all-databases",
            "--skip-add-locks",
            // Users and their password hashes: kept out of the dump, as the seed did.
            "--ignore-table=mysql.global_priv",
            .. settings.ExtraArgs,
        ],
        _ =>
        [
            .. Connection(settings, node),
            "--single-transaction",
            "--skip-add-locks",
            "--routines",
            "--events",
            "--all-databases",
            .. IgnoredDatabases(settings.Layout).Select(database => $"--ignore-database={database}"),
            // The position as a comment only (=2): documentation for point-in-time recovery, never executed.
            .. logBin && settings.RecordBinlogPosition ? (string[])["--master-data=2", "--gtid"] : [],
            .. settings.ExtraArgs,
        ],
    };

    /// <summary>The databases the layout leaves out of its <c>--all-databases</c> data dump.</summary>
    /// <remarks>
    /// Not <c>mysql</c> beyond the seed layout: its Aria tables are not replicated by Galera and its wsrep_* tables cannot
    /// be dropped on a live node, so restoring them breaks the cluster (users go through users.sql instead).
    /// </remarks>
    public static IReadOnlyList<string> IgnoredDatabases(DumpLayout layout) => layout switch
    {
        DumpLayout.Seed => [],
        DumpLayout.Schemas => ["mysql", "sys"],
        _ => ["mysql"],
    };

    /// <summary>The arguments of the users dump: CREATE USER / GRANT statements, which Galera replicates.</summary>
    public static IReadOnlyList<string> Users(MariaDbHaSettings settings, NodeCandidate node) =>
        [.. Connection(settings, node), "--system=users", "--insert-ignore"];

    // mariadb-dump's default packet limit is 16 MiB: a longer row fails every backup with "Error 2013: Lost
    // connection ... at row: 0". 1 GiB is the protocol's maximum, and a limit, not an allocation: with it a dump of
    // small rows peaked at the same 8 MB RSS, and one of a 40 MiB row at 90 MB. So no need to ask the server for its
    // max_allowed_packet: whatever row it sends, the client takes.
    private static string[] Connection(MariaDbHaSettings settings, NodeCandidate node) =>
        [$"--host={node.Host}", $"--port={node.Port.ToString(CultureInfo.InvariantCulture)}", $"--user={settings.User}", "--max-allowed-packet=1G"];
}
