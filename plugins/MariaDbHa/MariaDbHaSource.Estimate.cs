using Backup.Abstractions;
using Backup.MariaDb.Nodes;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The estimate half of the source: the size of the dump the node it would choose will write (see <see cref="DumpSizeEstimate"/>).</summary>
internal sealed partial class MariaDbHaSource : IEstimatingBackupSource
{
    public async Task<long?> EstimateBytesAsync(CancellationToken cancellationToken)
    {
        // The same choice the dump makes (any Synced node would do: Galera nodes hold the same data).
        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var candidates = await settings.Discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var probe = new NodeProbe(settings.User, password, settings.ConnectTimeoutSeconds);
        var reports = await Task.WhenAll(candidates.Select(c => probe.ProbeAsync(c, cancellationToken))).ConfigureAwait(false);
        var usable = new NodeRanking(settings.Prefer, settings.Avoid).Order(reports);
        return usable.Count == 0
            ? null
            : await DumpSizeEstimate.QueryAsync(probe, usable[0].Node, DumpArguments.IgnoredDatabases(settings.Layout), cancellationToken).ConfigureAwait(false);
    }
}
