namespace Backup.MariaDb.Nodes;

/// <summary>Finds the servers a backup may dump from.</summary>
internal interface INodeDiscovery
{
    /// <summary>A human-readable description for logs, e.g. <c>service databases/mariadb</c>.</summary>
    string Description { get; }

    /// <summary>The candidates, in the order discovery found them; throws a <see cref="Backup.Abstractions.BackupException"/> when there are none.</summary>
    Task<IReadOnlyList<NodeCandidate>> DiscoverAsync(CancellationToken cancellationToken);
}
