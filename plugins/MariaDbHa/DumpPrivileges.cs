using Backup.MariaDb.Nodes;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Checks, before a dump, that the login holds what the layout needs to contain everything it promises.</summary>
/// <remarks>
/// mariadb-dump dumps what the login can see and exits 0: a user granted only on one schema ran the seed layout
/// (<c>--all-databases</c>) to a "successful" dump of that schema alone, with no other database, no <c>mysql</c>,
/// and no routines elsewhere. Only global grants make every database visible. <c>--master-data=2 --gtid</c>
/// needs nothing more with <c>--single-transaction</c> (measured on 10.11: the position comes from
/// <c>binlog_snapshot_file</c>, without <c>FLUSH TABLES WITH READ LOCK</c>), and <c>--system=users</c> reads
/// <c>mysql</c> with SELECT.
/// </remarks>
internal static class DumpPrivileges
{
    /// <summary>Where the least-privilege grants are, for error messages.</summary>
    public const string Documentation = "docs/mariadb-ha.md#privileges-the-least-privilege-dump-user";

    // Tables and databases (SELECT), views (SHOW VIEW), triggers (TRIGGER), events (EVENT), in every layout.
    private static readonly string[] Dump = ["SELECT", "SHOW VIEW", "TRIGGER", "EVENT"];

    private const string Desync = "SUPER";

    /// <summary>Why <paramref name="chosen"/> must not be dumped with these settings' login, or null when it may.</summary>
    /// <remarks>One line naming every missing privilege; the password hash that <c>SHOW GRANTS</c> returns is never part of it.</remarks>
    public static string? Problem(MariaDbHaSettings settings, NodeReport chosen)
    {
        var status = chosen.Status!;
        var desync = settings.Desync && status.IsGalera;
        var missing = Dump.Append(desync ? Desync : null).OfType<string>().Where(p => !status.Privileges.Has(p)).ToList();
        if (missing.Count == 0)
        {
            return null;
        }

        var why = missing.Contains(Desync) && missing.Count == 1
            ? "SET GLOBAL wsrep_desync needs SUPER"
            : "mariadb-dump would silently leave out what the user cannot see";
        return $"user '{settings.User}' lacks {string.Join(", ", missing)} ON *.* on {chosen.Node.Address}, " +
            $"which the {DumpLayoutNames.Name(settings.Layout)} layout{(desync ? " with desync" : "")} needs ({why}; least-privilege grants: {Documentation})";
    }
}
