using System.Text.Json;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The <c>mariadb-backup</c> source against the real 3-node Galera cluster (the nodes' datadirs are local): the preferred
/// Synced node is desynced for the copy, the manifest records its Galera facts and LSNs, and its restored datadir
/// serves the same table on a standalone scratch server.
/// </summary>
public sealed class PhysicalGaleraBackupSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("backup-physical-galera-");
    private readonly GaleraCluster _cluster = new();
    private readonly string _database = $"physg_{Guid.NewGuid():N}"[..24];

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        await _cluster.ExecuteAsync(1, $"CREATE DATABASE {_database}");
        await _cluster.ExecuteAsync(1, $"CREATE TABLE {_database}.orders (id INT PRIMARY KEY, note VARCHAR(100)) ENGINE=InnoDB");
        await _cluster.ExecuteAsync(1, $"INSERT INTO {_database}.orders SELECT seq, CONCAT('order ', seq) FROM {_database}.seq_1_to_3000");
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
        var pluginsDirectory = PublishedHost.ComposePluginsDirectory(
            _dir.Path,
            await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"),
            await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbBackup"));
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

        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", pluginsDirectory]);
        run.ExitCode.Should().Be(0, run.StandardError);
        (await _cluster.ScalarAsync(2, "SELECT @@wsrep_desync")).Should().Be("0", "the desync is always undone");
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Directory.GetFiles(_dir.Combine("store", "physical-galera"), "*.manifest.json").Single()));
        var metadata = manifest.RootElement.GetProperty("sourceMetadata");
        metadata.GetProperty("wsrepNodeName").GetString().Should().Be("galera2");
        metadata.GetProperty("desync").GetString().Should().Be("true");
        metadata.GetProperty("toLsn").GetString().Should().MatchRegex("^[0-9]+$");
        metadata.GetProperty("binlogPosition").GetString().Should().Contain("GTID");

        var datadir = _dir.Combine("restored", "data");
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", pluginsDirectory]);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        File.Exists(Path.Combine(datadir, "xtrabackup_galera_info")).Should().BeTrue();

        await using var server = await ScratchServer.StartAsync(datadir);
        (await ScratchServer.ChecksumAsync(server.Port, $"{_database}.orders")).Should().Be(expected);
    }
}
