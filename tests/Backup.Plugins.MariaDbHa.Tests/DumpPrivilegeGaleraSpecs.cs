using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>Issue 14 item 1 on Galera: the documented grants cover the binlog position and desync; without SUPER, desync is refused before anything runs.</summary>
[Collection(GaleraClusterCollection.Name)]
public sealed class DumpPrivilegeGaleraSpecs(GaleraCluster cluster) : IAsyncLifetime
{
    private const int Node = 2;
    private readonly SourceRun _run = new();

    public Task InitializeAsync() => cluster.RestoreAsync();

    public async Task DisposeAsync()
    {
        _run.Dispose();
        await cluster.RestoreAsync();
    }

    private Dictionary<string, object> Settings(DumpUser user, params (string Key, object Value)[] extra) =>
        SourceRun.ClusterSettings(cluster, [("hosts", new[] { cluster.Hosts[Node - 1] }), ("user", user.Name), ("password", user.PasswordSetting()), ("layout", "galera-safe"), .. extra]);

    [Fact]
    public async Task The_documented_grant_dumps_galera_safe_with_the_binlog_position()
    {
        await using var user = await DumpUser.CreateAsync("bk_least_galera", cluster.Port(Node), DumpUser.DocumentedStatements("layouts"));

        var result = await _run.RunAsync(Settings(user));

        result.Metadata["binlogPositionInDump"].Should().Be("true", "the cluster's nodes write a binlog");
        _run.DumpText.Should().Contain("-- CHANGE MASTER TO MASTER_LOG_FILE=").And.Contain("-- Dump completed");
        _run.Text("users.sql").Should().Contain("CREATE USER IF NOT EXISTS `bk_least_galera`@`%`");
    }

    [Fact]
    public async Task The_documented_grants_with_super_dump_a_desynced_node()
    {
        await using var user = await DumpUser.CreateAsync("bk_least_desync", cluster.Port(Node),
            [.. DumpUser.DocumentedStatements("layouts"), .. DumpUser.DocumentedStatements("desync")]);

        var result = await _run.RunAsync(Settings(user, ("desync", "true")));

        result.Metadata["desync"].Should().Be("true");
        (await cluster.ScalarAsync(Node, "SELECT @@wsrep_desync")).Should().Be("0");
    }

    [Fact]
    public async Task Desync_without_super_is_refused_before_the_node_is_touched()
    {
        await using var user = await DumpUser.CreateAsync("bk_no_super", cluster.Port(Node), DumpUser.DocumentedStatements("layouts"));

        var act = () => _run.RunAsync(Settings(user, ("desync", "true")));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().StartWith(
            $"user 'bk_no_super' lacks SUPER ON *.* on {cluster.Hosts[Node - 1]}, which the galera-safe layout with desync needs (SET GLOBAL wsrep_desync needs SUPER; ");
    }
}
