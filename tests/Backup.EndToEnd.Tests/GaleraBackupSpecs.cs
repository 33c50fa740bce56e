using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>The published host backing up the real 3-node Galera cluster: the manifest beside the archive says which node was dumped.</summary>
public sealed class GaleraBackupSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly GaleraCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_galera_safe_backup_of_the_cluster_names_the_synced_node_it_dumped_in_its_manifest()
    {
        var storage = _dir.Combine("store");
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: galera
            source:
              plugin: mariadb-ha
              settings:
                hosts: [{string.Join(", ", _cluster.Hosts)}]
                prefer: [galera2]
                layout: galera-safe
                desync: true
                password:
                  env: {TestServers.MariaDbPasswordVariable}
            storage:
              plugin: local
              settings:
                path: {storage}
            artifact:
              prefix: galera-backup
            """);

        var result = await PublishedHost.RunAsync(["run", "--spec", spec]);

        result.ExitCode.Should().Be(0, result.StandardError);
        (result.StandardOutput + result.StandardError).Should().NotContain(TestServers.MariaDbPassword);
        var folder = Path.Combine(storage, "galera-backup");
        var archive = Directory.GetFiles(folder, "galera-*.tar.gz").Should().ContainSingle().Subject;
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(archive[..^".tar.gz".Length] + ".manifest.json"));
        var metadata = manifest.RootElement.GetProperty("sourceMetadata");
        metadata.GetProperty("node").GetString().Should().Be(_cluster.Hosts[1]);
        metadata.GetProperty("wsrepNodeName").GetString().Should().Be("galera2");
        metadata.GetProperty("layout").GetString().Should().Be("galera-safe");
        metadata.GetProperty("desync").GetString().Should().Be("true");
        metadata.GetProperty("gtidBinlogPos").GetString().Should().NotBeNullOrEmpty();
        metadata.GetProperty("serverVersion").GetString().Should().Contain("MariaDB");
        manifest.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString())
            .Should().Equal("all-databases-dump.sql", "users.sql");
        (await EntryNamesAsync(archive)).Should().Equal("all-databases-dump.sql.000000", "users.sql.000000", "manifest.json");
        (await _cluster.ScalarAsync(2, "SELECT @@wsrep_desync")).Should().Be("0");
    }

    private static async Task<List<string>> EntryNamesAsync(string archive)
    {
        var names = new List<string>();
        await using var tar = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }
}
