using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Plugins.MariaDbHa.Tests;

[Collection(GaleraClusterCollection.Name)]
public sealed class GaleraSafeLayoutSpecs(GaleraCluster cluster) : IAsyncLifetime
{
    private const string Database = "galera_safe_shop";
    private readonly SourceRun _run = new();

    // Every node Synced, Primary and not desynced before the load: a load into a node still going Joined -> Synced
    // (left so by a previous test) is how this test failed in 2 of 3 clean-clone CI runs.
    public Task InitializeAsync() => cluster.RestoreAsync();

    public Task DisposeAsync()
    {
        _run.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_galera_safe_layout_has_data_without_mysql_plus_users_and_the_binlog_position()
    {
        var result = await _run.RunAsync(SourceRun.ClusterSettings(cluster, ("layout", "galera-safe")));

        _run.Writer.Entries.Keys.Should().Equal(SourceRun.EntryName, "users.sql");
        var data = _run.DumpText;
        data.Should().NotContain("USE `mysql`").And.NotContain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `mysql`");
        data.Should().Contain("-- CHANGE MASTER TO MASTER_LOG_FILE=", "the cluster's nodes write a binlog")
            .And.Contain("-- SET GLOBAL gtid_slave_pos=");
        data.Should().Contain("-- Dump completed");
        _run.Text("users.sql").Should().Contain("CREATE USER IF NOT EXISTS `root`@`localhost`").And.Contain("GRANT ").And.Contain("-- Dump completed");
        result.Metadata["layout"].Should().Be("galera-safe");
        result.Metadata["binlogPositionInDump"].Should().Be("true");
        result.Metadata["usersEntryName"].Should().Be("users.sql");
        result.Metadata["usersDumpArguments"].Should().EndWith("--system=users --insert-ignore");
        result.Metadata["dumpArguments"].Should().Contain("--ignore-database=mysql").And.Contain("--master-data=2 --gtid");
    }

    [Fact]
    public async Task A_galera_safe_backup_of_a_standalone_server_loads_into_a_live_cluster_without_breaking_it()
    {
        await SeedStandaloneAsync();
        await cluster.ExecuteAsync(1, $"DROP DATABASE IF EXISTS {Database}");
        // A routine that lives only in the cluster: an --all-databases restore would wipe it on the other nodes.
        await cluster.ExecuteAsync(1, "CREATE DATABASE IF NOT EXISTS galera_keep");
        await cluster.ExecuteAsync(1, "CREATE OR REPLACE FUNCTION galera_keep.keeper() RETURNS INT DETERMINISTIC RETURN 7");

        var result = await _run.RunAsync(SourceRun.ServerSettings(SourceRun.EnvPassword(TestServers.MariaDbPasswordVariable), ("layout", "galera-safe")));

        result.Metadata["galera"].Should().Be("false");
        result.Metadata["binlogPositionInDump"].Should().Be("false", "the standalone server has no binlog");
        _run.DumpText.Should().NotContain("CHANGE MASTER");
        await LoadAsync(1, _run.Writer.Entries["users.sql"]);
        await LoadAsync(1, _run.Writer.Entries[SourceRun.EntryName]);

        // Replicated to the other nodes, and their own routines are intact (an --all-databases restore wipes them).
        // Galera applies on the other nodes asynchronously: wsrep_sync_wait makes these reads wait for it.
        (await cluster.ScalarAsync(3, $"SET SESSION wsrep_sync_wait=1; SELECT COUNT(*) FROM {Database}.items")).Should().Be("3");
        (await cluster.ScalarAsync(2, $"SET SESSION wsrep_sync_wait=1; SELECT {Database}.item_count()")).Should().Be("3");
        (await cluster.ScalarAsync(3, "SET SESSION wsrep_sync_wait=1; SELECT galera_keep.keeper()")).Should().Be("7");
        (await cluster.ScalarAsync(3, $"SET SESSION wsrep_sync_wait=1; SELECT {Database}.item_count()")).Should().Be("3");
        for (var node = 1; node <= 3; node++)
        {
            (await cluster.StatusAsync(node, "wsrep_local_state_comment")).Should().Be("Synced");
        }

        await cluster.ExecuteAsync(1, $"DROP DATABASE {Database}");
    }

    private static async Task SeedStandaloneAsync()
    {
        foreach (var sql in new[]
        {
            $"DROP DATABASE IF EXISTS {Database}",
            $"CREATE DATABASE {Database}",
            $"CREATE TABLE {Database}.items (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
            $"INSERT INTO {Database}.items VALUES (1, 'a'), (2, 'b'), (3, 'c')",
            $"CREATE FUNCTION {Database}.item_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM {Database}.items)",
        })
        {
            await TestServers.ExecuteAsync(sql);
        }
    }

    private async Task LoadAsync(int node, byte[] dump)
    {
        var result = await Cli.Wrap("mariadb")
            .WithArguments(["--no-defaults", "--sandbox", "--binary-mode", "--local-infile=0", $"--host={TestServers.MariaDbHost}", $"--port={cluster.Port(node)}", "--user=root"])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["MYSQL_PWD"] = TestServers.MariaDbPassword })
            .WithStandardInputPipe(PipeSource.FromBytes(dump))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        result.ExitCode.Should().Be(0, result.StandardError);
    }
}
