using System.Text.Json;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The <c>mariadb-backup</c> source against the real 3-node Galera cluster (the nodes' datadirs are local): the preferred
/// Synced node is desynced for the copy, the manifest records its Galera facts and LSNs, its restored datadir serves
/// the same table on a standalone scratch server, and bootstraps a new cluster of the test's own that a second node joins.
/// </summary>
public sealed class PhysicalGaleraBackupSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("backup-physical-galera-");
    private readonly GaleraCluster _cluster = new();
    private readonly string _database = $"physg_{Guid.NewGuid():N}"[..24];
    private string _pluginsDirectory = "";

    public async Task InitializeAsync()
    {
        _pluginsDirectory = await PhysicalSpecsSupport.PluginsAsync(_dir.Path);
        await _cluster.InitializeAsync();
        foreach (var statement in PhysicalSpecsSupport.CreateOrders(_database, 3000))
        {
            await _cluster.ExecuteAsync(1, statement);
        }
    }

    public async Task DisposeAsync()
    {
        await _cluster.ExecuteAsync(1, $"DROP DATABASE IF EXISTS {_database}");
        await _cluster.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_physical_backup_of_the_preferred_synced_node_restores_into_a_datadir_that_serves_the_same_table()
    {
        var (spec, expected) = await BackUpGalera2Async();
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Directory.GetFiles(_dir.Combine("store", "physical-galera"), "*.manifest.json").Single()));
        var metadata = manifest.RootElement.GetProperty("sourceMetadata");
        metadata.GetProperty("wsrepNodeName").GetString().Should().Be("galera2");
        metadata.GetProperty("desync").GetString().Should().Be("true");
        metadata.GetProperty("toLsn").GetString().Should().MatchRegex("^[0-9]+$");
        metadata.GetProperty("binlogPosition").GetString().Should().Contain("GTID");

        var datadir = _dir.Combine("restored", "data");
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _pluginsDirectory]);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        File.Exists(Path.Combine(datadir, "xtrabackup_galera_info")).Should().BeTrue();

        await using var server = await ScratchServer.StartAsync(datadir);
        (await ScratchServer.ChecksumAsync(server.Port, $"{_database}.orders")).Should().Be(expected);
    }

    // The documented Galera restore (docs/mariadb-backup.md), on a cluster of the test's own: the shared one keeps running.
    [Fact]
    public async Task A_node_restored_from_a_physical_backup_bootstraps_a_new_cluster_that_a_node_with_an_empty_datadir_joins_by_sst()
    {
        var (spec, expected) = await BackUpGalera2Async();
        var datadir = _dir.Combine("scratch", "node1", "data");
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _pluginsDirectory]);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        restore.StandardError.Should().Contain("--wsrep-new-cluster", "the restore tells the operator how to bootstrap the node");
        File.Exists(Path.Combine(datadir, "grastate.dat")).Should().BeFalse("the restored node must start a new history, not the backed-up cluster's");

        await using var cluster = new ScratchGaleraCluster(_dir.Combine("scratch"));
        var restored = await cluster.BootstrapAsync(datadir);
        var joiner = await cluster.JoinAsync();

        (await ScratchGaleraCluster.StatusAsync(joiner, "wsrep_cluster_size")).Should().Be("2");
        var history = await ScratchGaleraCluster.StatusAsync(restored, "wsrep_cluster_state_uuid");
        (await ScratchGaleraCluster.StatusAsync(joiner, "wsrep_cluster_state_uuid")).Should().Be(history);
        history.Should().NotBe(
            await _cluster.StatusAsync(1, "wsrep_cluster_state_uuid"),
            "a node of the old cluster must not catch up by IST with writes made after the backup");
        (await ScratchServer.ChecksumAsync(restored.Port, $"{_database}.orders")).Should().Be(expected);
        (await ScratchServer.ChecksumAsync(joiner.Port, $"{_database}.orders")).Should().Be(expected, "the joiner started empty and got the restored data by SST");

        // The new cluster replicates: a row written on the joiner is read on the restored node (wsrep_sync_wait waits until it is applied there).
        await TestServers.ExecuteAsync(joiner.Port, $"INSERT INTO {_database}.orders VALUES (9001, 'after the restore')");
        (await TestServers.CountAsync(restored.Port, $"SET SESSION wsrep_sync_wait=1; SELECT COUNT(*) FROM {_database}.orders WHERE id = 9001")).Should().Be(1);
    }

    // Backs up galera2 (preferred, desynced for the copy) into local storage; returns the spec and node 1's checksum of the table.
    private async Task<(string Spec, string Checksum)> BackUpGalera2Async()
    {
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: physical-galera
            source:
              plugin: mariadb-backup
              settings:
                hosts: [{string.Join(", ", _cluster.Hosts)}]
                prefer: [galera2]
                desync: true
                password:
                  env: {TestServers.MariaDbPasswordVariable}
            storage:
              plugin: local
              settings:
                path: {_dir.Combine("store")}
            tempDirectory: {_dir.Combine("tmp")}
            pipeline:
              mode: streaming
              compression: zstd
            """);
        // Certification is synchronous, but galera2 may apply the rows a moment after node 1 committed them: wait until
        // it has them, so the copy of galera2 is expected to hold exactly node 1's table.
        var expected = await ScratchServer.ChecksumAsync(_cluster.Port(1), $"{_database}.orders");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScratchServer.ChecksumAsync(_cluster.Port(2), $"{_database}.orders") != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _pluginsDirectory]);
        run.ExitCode.Should().Be(0, run.StandardError);
        (await _cluster.ScalarAsync(2, "SELECT @@wsrep_desync")).Should().Be("0", "the desync is always undone");
        return (spec, expected);
    }
}
