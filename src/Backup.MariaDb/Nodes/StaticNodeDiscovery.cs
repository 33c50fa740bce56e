namespace Backup.MariaDb.Nodes;

/// <summary>The nodes written in the spec: the <c>hosts</c> list, or the single <c>host</c> (e.g. a load-balanced service).</summary>
internal sealed class StaticNodeDiscovery(IReadOnlyList<NodeCandidate> nodes) : INodeDiscovery
{
    public string Description => nodes.Count == 1 ? $"host {nodes[0]}" : $"hosts {string.Join(", ", nodes)}";

    public Task<IReadOnlyList<NodeCandidate>> DiscoverAsync(CancellationToken cancellationToken) => Task.FromResult(nodes);
}
