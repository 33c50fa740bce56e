using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

[Collection(GaleraClusterCollection.Name)]
public sealed class NodeChoiceSpecs(GaleraCluster cluster) : IAsyncLifetime
{
    private readonly SourceRun _run = new();

    public Task InitializeAsync() => cluster.RestoreAsync();

    public Task DisposeAsync()
    {
        _run.Dispose();
        return Task.CompletedTask;
    }

    private string Address(int node) => $"{TestServers.MariaDbHost}:{cluster.Port(node)}";

    [Fact]
    public async Task A_backup_picks_a_synced_node_and_records_it()
    {
        var result = await _run.RunAsync(SourceRun.ClusterSettings(cluster, ("prefer", "galera3")));

        result.Metadata["node"].Should().Be(Address(3), "the preferred node is Synced");
        result.Metadata["wsrepNodeName"].Should().Be("galera3");
        result.Metadata["wsrepClusterSize"].Should().Be("3");
        result.Metadata["galera"].Should().Be("true");
        result.Metadata["wsrepLastCommitted"].Should().MatchRegex("^[0-9]+$");
        result.Metadata["gtidBinlogPos"].Should().MatchRegex("^[0-9]+-[0-9]+-[0-9]+");
        result.Metadata["layout"].Should().Be("seed");
        result.Metadata["attempt"].Should().Be("1");
        DateTimeOffset.Parse(result.Metadata["dumpFinishedAt"]).Should().BeOnOrAfter(DateTimeOffset.Parse(result.Metadata["dumpStartedAt"]));
        _run.DumpText.Should().Contain("-- Dump completed").And.Contain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `mysql`", "the seed layout dumps mysql too");
    }

    [Fact]
    public async Task A_node_killed_before_the_run_is_skipped_and_another_node_is_dumped()
    {
        await cluster.KillAsync(2);
        try
        {
            var result = await _run.RunAsync(SourceRun.ClusterSettings(cluster, ("prefer", "galera2")));

            result.Metadata["node"].Should().BeOneOf(Address(1), Address(3));
            _run.Logs.Messages.Should().Contain(m => m.Contains($"Node {Address(2)} is not usable: unreachable"));
            _run.DumpText.Should().Contain("-- Dump completed");
        }
        finally
        {
            await cluster.StartAsync(2);
        }
    }

    [Fact]
    public async Task A_desynced_node_is_never_chosen_even_when_preferred()
    {
        await cluster.ExecuteAsync(1, "SET GLOBAL wsrep_desync=ON");
        try
        {
            (await cluster.StatusAsync(1, "wsrep_local_state_comment")).Should().Be("Donor/Desynced");

            var result = await _run.RunAsync(SourceRun.ClusterSettings(cluster, ("prefer", new[] { "galera1" })));

            result.Metadata["node"].Should().NotBe(Address(1));
            _run.Logs.Messages.Should().Contain($"Node {Address(1)} is not usable: Donor/Desynced, not Synced");
        }
        finally
        {
            await cluster.ResyncAsync(1);
        }
    }

    [Fact]
    public async Task With_no_usable_node_the_failure_names_each_node_and_why_in_one_line()
    {
        await cluster.ExecuteAsync(1, "SET GLOBAL wsrep_desync=ON");
        await cluster.ExecuteAsync(2, "SET GLOBAL wsrep_desync=ON");
        await cluster.KillAsync(3);
        try
        {
            var act = () => _run.RunAsync(SourceRun.ClusterSettings(cluster));

            var error = (await act.Should().ThrowAsync<BackupSourceException>()).Which;
            error.Message.Should().NotContain("\n")
                .And.StartWith($"no MariaDB node could be dumped (3 from hosts {Address(1)}, {Address(2)}, {Address(3)}): ")
                .And.Contain($"{Address(1)}: Donor/Desynced, not Synced; {Address(2)}: Donor/Desynced, not Synced; {Address(3)}: unreachable");
            _run.Writer.Entries.Should().BeEmpty();
        }
        finally
        {
            await cluster.RestoreAsync();
        }
    }

    [Fact]
    public async Task An_avoided_node_is_used_only_when_no_other_node_is_usable()
    {
        var avoided = await _run.RunAsync(SourceRun.ClusterSettings(cluster, ("avoid", new[] { "galera1", Address(2) })));
        avoided.Metadata["node"].Should().Be(Address(3));

        await cluster.ExecuteAsync(3, "SET GLOBAL wsrep_desync=ON");
        try
        {
            using var second = new SourceRun();
            var fallback = await second.RunAsync(SourceRun.ClusterSettings(cluster, ("avoid", new[] { "galera1", "galera2" })));

            fallback.Metadata["node"].Should().BeOneOf(Address(1), Address(2));
            second.Logs.Messages.Should().Contain(m => m.StartsWith("Only avoided nodes are usable"));
        }
        finally
        {
            await cluster.ResyncAsync(3);
        }
    }
}
