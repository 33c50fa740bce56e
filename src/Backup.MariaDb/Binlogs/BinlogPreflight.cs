using System.Globalization;

namespace Backup.MariaDb.Binlogs;

/// <summary>Decides whether the nodes' binary logs can be archived so that any node can take over at the next GTID; pure, so every rule is tested without a server.</summary>
/// <remarks>
/// Galera nodes write their own binlogs: file names and offsets differ, and only with <c>wsrep_gtid_mode=ON</c>, one
/// <c>wsrep_gtid_domain_id</c> and <c>log_slave_updates</c> (a node logs the write sets it applies from the others)
/// does one write set carry the same GTID in every node's log. A node's own <c>gtid_domain_id</c> numbers writes that
/// bypass Galera; sharing it between nodes, or with the cluster's domain, makes two different transactions share a GTID.
/// </remarks>
internal static class BinlogPreflight
{
    /// <summary>The first missing setting as one line, or null when every node is fit.</summary>
    /// <param name="nodes">Each reachable node's name and its <see cref="BinlogServer.SettingsAsync"/> values.</param>
    public static string? Problem(IReadOnlyList<(string Node, IReadOnlyDictionary<string, string> Settings)> nodes)
    {
        foreach (var (node, settings) in nodes)
        {
            if (!On(settings, "log_bin"))
            {
                return $"node {node} has no binary log: set log_bin (see docs/pitr.md)";
            }

            if (!On(settings, "log_slave_updates"))
            {
                return $"node {node} has log_slave_updates=OFF: set log_slave_updates=ON so it logs the write sets of the other nodes (see docs/pitr.md)";
            }

            if (!string.Equals(settings.GetValueOrDefault("binlog_format"), "ROW", StringComparison.OrdinalIgnoreCase))
            {
                return $"node {node} has binlog_format={settings.GetValueOrDefault("binlog_format")}: set binlog_format=ROW (see docs/pitr.md)";
            }

            if (On(settings, "wsrep_on") && !On(settings, "wsrep_gtid_mode"))
            {
                return $"node {node} has wsrep_gtid_mode=OFF: set wsrep_gtid_mode=ON so every node logs a write set with the same GTID (see docs/pitr.md)";
            }
        }

        var galera = nodes.Where(n => On(n.Settings, "wsrep_on")).ToList();
        if (galera.Count == 0)
        {
            return null;
        }

        var clusterDomains = galera.Select(n => n.Settings.GetValueOrDefault("wsrep_gtid_domain_id")).Distinct(StringComparer.Ordinal).ToList();
        if (clusterDomains.Count > 1)
        {
            return $"the nodes disagree on wsrep_gtid_domain_id ({Each(galera, "wsrep_gtid_domain_id")}): set one value on every node (see docs/pitr.md)";
        }

        var clash = galera.GroupBy(n => n.Settings.GetValueOrDefault("gtid_domain_id")).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            return $"nodes {string.Join(", ", clash.Select(n => n.Node))} share gtid_domain_id={clash.Key}: give every node its own gtid_domain_id (see docs/pitr.md)";
        }

        var shared = galera.Where(n => n.Settings.GetValueOrDefault("gtid_domain_id") == clusterDomains[0]).Select(n => n.Node).FirstOrDefault();
        return shared is null
            ? null
            : $"node {shared} has gtid_domain_id={clusterDomains[0]}, the same as wsrep_gtid_domain_id: give it a domain of its own (see docs/pitr.md)";
    }

    /// <summary>The GTID domain the archive follows: the cluster's (<c>wsrep_gtid_domain_id</c>) on Galera, else the server's <c>gtid_domain_id</c>.</summary>
    public static uint Domain(IReadOnlyDictionary<string, string> settings) =>
        uint.TryParse(settings.GetValueOrDefault(On(settings, "wsrep_on") ? "wsrep_gtid_domain_id" : "gtid_domain_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var domain) ? domain : 0;

    private static bool On(IReadOnlyDictionary<string, string> settings, string name) =>
        settings.GetValueOrDefault(name) is "1" or "ON" or "on";

    private static string Each(IEnumerable<(string Node, IReadOnlyDictionary<string, string> Settings)> nodes, string name) =>
        string.Join(", ", nodes.Select(n => $"{n.Node}: {n.Settings.GetValueOrDefault(name)}"));
}
