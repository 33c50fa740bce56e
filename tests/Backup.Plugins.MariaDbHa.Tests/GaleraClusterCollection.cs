using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>Tests that use the shared Galera cluster run one at a time: some kill or desync nodes.</summary>
[CollectionDefinition(Name)]
public sealed class GaleraClusterCollection : ICollectionFixture<GaleraCluster>
{
    public const string Name = "Galera cluster";
}
