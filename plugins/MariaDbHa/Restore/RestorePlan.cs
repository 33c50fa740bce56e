namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>Decides what a restore loads, in which order, and whether the backup's layout suits the target; pure, so it is tested without a server.</summary>
internal static class RestorePlan
{
    /// <summary>The entry holding users and grants (<c>--system=users</c>); loaded after the data so the grants' databases exist.</summary>
    public const string UsersEntry = "users.sql";

    /// <summary>The manifest fact naming the dump layout: <c>seed</c>, <c>galera-safe</c> or <c>schemas</c>.</summary>
    public const string LayoutKey = "layout";

    /// <summary>The layout of backups made before layouts were recorded: one <c>--all-databases</c> dump including the <c>mysql</c> schema.</summary>
    public const string SeedLayout = "seed";

    /// <summary>The SQL entries to load, in order: as the backup wrote them, <see cref="UsersEntry"/> last, or not at all when only some <paramref name="databases"/> are restored.</summary>
    /// <remarks>Users and grants are the server's, not a database's: restoring one database must not add or change accounts.</remarks>
    public static IReadOnlyList<string> LoadOrder(IReadOnlyList<string> entryNames, IReadOnlyList<string> databases) =>
        [
            .. entryNames.Where(n => n.EndsWith(".sql", StringComparison.Ordinal) && n != UsersEntry),
            .. entryNames.Where(n => n == UsersEntry && databases.Count == 0),
        ];

    /// <summary>Why the backup must not be loaded into the target, or null when it may.</summary>
    /// <remarks>
    /// The hook for layouts that are unsafe on Galera: a seed-layout dump replays DROP/CREATE of the Aria tables in
    /// <c>mysql</c> (proc, event) through replication without their rows, so every other node loses its routines and
    /// events, and it fails on <c>mysql.wsrep_streaming_log</c>. --force does not override this.
    /// </remarks>
    public static string? RefusalFor(IReadOnlyDictionary<string, string> metadata, bool targetIsGalera)
    {
        var layout = metadata.GetValueOrDefault(LayoutKey) ?? SeedLayout;
        if (targetIsGalera && layout == SeedLayout)
        {
            return "has the seed layout (an --all-databases dump including the mysql schema), which breaks a Galera cluster's " +
                   "routines and events when loaded into a node (wsrep_on=ON): restore it into a standalone server, " +
                   "or take backups with the galera-safe layout";
        }

        return null;
    }
}
