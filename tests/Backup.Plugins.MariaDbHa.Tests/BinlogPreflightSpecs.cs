using Backup.MariaDb.Binlogs;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class BinlogPreflightSpecs
{
    private static (string, IReadOnlyDictionary<string, string>) Node(int n, params (string Name, string Value)[] changes)
    {
        var settings = new Dictionary<string, string>
        {
            ["log_bin"] = "1", ["log_slave_updates"] = "1", ["binlog_format"] = "ROW", ["wsrep_on"] = "1", ["wsrep_gtid_mode"] = "1",
            ["wsrep_gtid_domain_id"] = "1", ["gtid_domain_id"] = $"1{n}", ["server_id"] = "1",
        };
        foreach (var (name, value) in changes)
        {
            settings[name] = value;
        }

        return ($"galera{n}", settings);
    }

    [Fact]
    public void A_cluster_with_consistent_gtids_passes()
    {
        BinlogPreflight.Problem([Node(1), Node(2), Node(3)]).Should().BeNull();
    }

    [Theory]
    [InlineData("log_bin", "0", "log_bin")]
    [InlineData("log_slave_updates", "0", "log_slave_updates=ON")]
    [InlineData("binlog_format", "MIXED", "binlog_format=ROW")]
    [InlineData("wsrep_gtid_mode", "0", "wsrep_gtid_mode=ON")]
    [InlineData("wsrep_gtid_domain_id", "7", "wsrep_gtid_domain_id")]
    [InlineData("gtid_domain_id", "11", "gtid_domain_id")]
    [InlineData("gtid_domain_id", "1", "the same as wsrep_gtid_domain_id")]
    public void A_missing_setting_on_one_node_is_named_in_one_line(string name, string value, string named)
    {
        var problem = BinlogPreflight.Problem([Node(1), Node(2, (name, value)), Node(3)]);

        problem.Should().Contain(named).And.NotContain("\n");
    }

    [Fact]
    public void A_standalone_server_follows_its_own_domain()
    {
        var (_, settings) = Node(1, ("wsrep_on", "0"), ("gtid_domain_id", "4"));

        BinlogPreflight.Domain(settings).Should().Be(4);
        BinlogPreflight.Problem([("db", settings)]).Should().BeNull();
    }
}
