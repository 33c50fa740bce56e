namespace Backup.MariaDb.Nodes;

/// <summary>Orders usable nodes: preferred ones first (in the order given), avoided ones last, the least busy first among equals.</summary>
/// <remarks>
/// An avoided node (typically the one the writes go to) is still used when it is the only usable one: a backup
/// from the write node beats no backup. Ties keep discovery order, so runs are predictable.
/// </remarks>
internal sealed class NodeRanking(IReadOnlyList<string> prefer, IReadOnlyList<string> avoid)
{
    /// <summary>The usable reports, best first.</summary>
    public IReadOnlyList<NodeReport> Order(IReadOnlyList<NodeReport> reports) =>
        reports
            .Select((report, index) => (report, index))
            .Where(r => r.report.Problem is null)
            .OrderBy(r => avoid.Any(Matches(r.report)) ? 1 : 0)
            .ThenBy(r => PreferIndex(r.report))
            .ThenBy(r => r.report.Status?.ThreadsConnected ?? 0)
            .ThenBy(r => r.index)
            .Select(r => r.report)
            .ToList();

    /// <summary>Whether <paramref name="report"/> is named in the avoid list.</summary>
    public bool IsAvoided(NodeReport report) => avoid.Any(Matches(report));

    private int PreferIndex(NodeReport report)
    {
        for (var i = 0; i < prefer.Count; i++)
        {
            if (Matches(report)(prefer[i]))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    // Patterns match host, host:port, pod name or the wsrep node name.
    private static Func<string, bool> Matches(NodeReport report) =>
        pattern => report.Node.Matches(pattern)
            || (report.Status?.NodeName is { } name && string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase));
}
