using Backup.MariaDb.Nodes;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class NodeRankingSpecs
{
    private static NodeReport Galera(string name, string state = "Synced", string cluster = "Primary", bool ready = true, long threads = 1) =>
        new(new NodeCandidate("10.0.0." + name[^1], 3306),
            new NodeStatus(true, state, cluster, ready, 3, name, "10.11.19-MariaDB", false, null, "42", threads, GlobalPrivileges.Parse([])),
            null);

    private static IReadOnlyList<string?> Order(NodeRanking ranking, params NodeReport[] reports) =>
        [.. ranking.Order(reports).Select(r => r.Status?.NodeName ?? r.Node.Address)];

    [Theory]
    [InlineData("Donor/Desynced", "Primary", true, "Donor/Desynced, not Synced")]
    [InlineData("Joining", "Primary", true, "Joining, not Synced")]
    [InlineData("Synced", "non-Primary", true, "not in the Primary component (wsrep_cluster_status=non-Primary)")]
    [InlineData("Initialized", "non-Primary", false, "not in the Primary component (wsrep_cluster_status=non-Primary)")]
    [InlineData("Synced", "Primary", false, "not ready (wsrep_ready=OFF)")]
    public void A_node_that_is_not_synced_in_a_primary_component_is_never_chosen(string state, string cluster, bool ready, string problem)
    {
        var bad = Galera("n1", state, cluster, ready);

        bad.Problem.Should().Be(problem);
        Order(new NodeRanking(["n1"], []), bad, Galera("n2")).Should().Equal("n2");
    }

    [Fact]
    public void A_server_without_wsrep_is_standalone_and_usable()
    {
        var standalone = new NodeReport(new NodeCandidate("db", 3306), new NodeStatus(false, null, null, false, null, null, "10.11", false, null, null, 0, GlobalPrivileges.Parse([])), null);

        standalone.Problem.Should().BeNull();
    }

    [Fact]
    public void Preferred_nodes_come_first_in_order_then_the_least_busy_and_avoided_nodes_last()
    {
        var ranking = new NodeRanking(["n3", "n2"], ["n4"]);

        Order(ranking, Galera("n1", threads: 9), Galera("n2"), Galera("n3"), Galera("n4", threads: 0), Galera("n5", threads: 2))
            .Should().Equal("n3", "n2", "n5", "n1", "n4");
    }

    [Fact]
    public void An_unreachable_node_or_an_endpoint_that_is_not_ready_is_not_usable()
    {
        var unreachable = new NodeReport(new NodeCandidate("a", 1), null, "unreachable: Connection refused");
        var notReady = new NodeReport(new NodeCandidate("b", 1, "pod-b", "endpoint not ready"), null, null);

        new NodeRanking([], []).Order([unreachable, notReady]).Should().BeEmpty();
        notReady.Problem.Should().Be("endpoint not ready");
    }
}
