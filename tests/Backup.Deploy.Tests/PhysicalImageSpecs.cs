using System.Text.Json;
using Backup.Deploy.Tests.Support;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Deploy.Tests;

/// <summary>
/// The physical source's image (<c>SOURCE=mariadb-backup</c>, local storage): only its plugin and tools, and a real
/// backup run as deploy/components/physical runs it, the live datadir mounted read-only, then a restore into a datadir.
/// </summary>
public sealed class PhysicalImageSpecs(ImageTargets targets) : IClassFixture<ImageTargets>, IAsyncLifetime
{
    private const string Source = "mariadb-backup";
    private const string Storage = ImageLayouts.ProofStorage;
    private readonly TempDir _dir = new("backup-physical-image-");
    private readonly string _prefix = $"physical-{Guid.NewGuid():N}";
    private readonly string _database = $"deploy_phys_{Guid.NewGuid():N}"[..28];

    public async Task InitializeAsync() => await TestServers.ExecuteAsync(
        TestServers.MariaDbPort,
        $"CREATE DATABASE {_database}",
        $"CREATE TABLE {_database}.probe (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB",
        $"INSERT INTO {_database}.probe VALUES (1, 'from-the-datadir')");

    public async Task DisposeAsync()
    {
        await TestServers.ExecuteAsync(TestServers.MariaDbPort, $"DROP DATABASE IF EXISTS {_database}");
        _dir.Dispose();
    }

    [Fact]
    public void The_tests_build_an_image_of_the_physical_source()
    {
        ImageLayouts.OtherSources.Should().Contain(Source, "scripts/test-images.sh pairs gives every source other than mariadb-ha an image with the local storage");
    }

    [ImageFact]
    public async Task The_image_lists_exactly_the_mariadb_backup_source_and_the_local_storage()
    {
        var result = await ContainerImages.RunAsync(Run() with { Arguments = ["plugins", "--output", "json"], Environment = new Dictionary<string, string> { ["BACKUP_LOG_FORMAT"] = "" } });

        result.ExitCode.Should().Be(0, result.StandardError);
        var plugins = JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("plugins").EnumerateArray()
            .Select(p => (p.GetProperty("name").GetString(), p.GetProperty("kind").GetString())).ToList();
        plugins.Should().BeEquivalentTo([(Source, "source"), (Storage, "storage")]);
    }

    [ImageFact]
    public async Task The_image_carries_mariadb_backup_and_mbstream_with_their_libraries_and_no_mariadb_ha_tools()
    {
        var probe = await ContainerImages.RunAsync(Run() with
        {
            Entrypoint = "/bin/sh",
            Arguments = ["-c", """
                mariadb-backup --version 2>&1 | head -n 1
                for f in /usr/bin/mariadb-backup /usr/bin/mbstream; do echo "== $f"; ldd "$f"; done
                for f in mariadb-dump mariadb; do command -v "$f" && echo "has $f"; done; true
                """],
        });
        var everyFile = await ContainerImages.FilesAsync(await ContainerImages.ImageAsync(Storage, Source));
        var baseFiles = (await ContainerImages.FilesAsync(await ContainerImages.RuntimeBaseAsync())).ToHashSet();

        probe.ExitCode.Should().Be(0, probe.StandardError);
        var lines = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("mariadb-backup ");
        lines.Should().Contain(["== /usr/bin/mariadb-backup", "== /usr/bin/mbstream"]);
        lines.Should().NotContain(l => l.Contains("not found") || l.Contains("not a dynamic executable") || l.StartsWith("has "));
        everyFile.Where(path => !baseFiles.Contains(path) && !path.StartsWith("/app/") && !path.StartsWith("/etc/")).Should().OnlyContain(path =>
            path == "/usr/bin/mariadb-backup" || path == "/usr/bin/mbstream" || Path.GetFileName(path).StartsWith("lib") && path.Contains(".so"),
            "only the programs the physical source runs are copied, not the mariadb-backup package's dependencies");
    }

    [ImageFact]
    public async Task A_backup_from_the_read_only_mounted_datadir_as_its_owner_restores_into_an_empty_datadir_from_the_same_image()
    {
        var datadir = (await ScalarAsync("SELECT @@datadir")).TrimEnd('/');
        var (uid, gid) = await OwnerAsync(datadir);
        var user = $"{uid}:{gid}";
        var job = targets.Job(Storage, _dir, _prefix, PhysicalSource, "mode: streaming\n  compression: zstd");
        ImageTargets.Chown(_dir.Combine("backups"), uid, gid);
        var restored = Directory.CreateDirectory(_dir.Combine("restore")).FullName;
        ImageTargets.Chown(restored, uid, gid);
        // The pod: the MariaDB pod's user (no fsGroup), the claim read-only at the path the server reports as its datadir.
        job = job with { Source = Source, User = user, Volumes = [.. job.Volumes, $"{datadir}:{datadir}:ro"] };

        var run = await ContainerImages.RunAsync(job);
        var verify = await ContainerImages.RunAsync(job with { Arguments = ["verify", "--spec", "/etc/backup/job.yaml", "--latest"] });
        var restore = await ContainerImages.RunAsync(job with
        {
            Volumes = [.. job.Volumes, $"{restored}:/restore"],
            Arguments = ["restore", "--spec", "/etc/backup/job.yaml", "--latest", "--target-datadir", "/restore/data"],
        });

        run.ExitCode.Should().Be(0, run.StandardError);
        (run.StandardError + run.StandardOutput).Should().NotContain(TestServers.MariaDbPassword);
        verify.ExitCode.Should().Be(0, verify.StandardError);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        (await File.ReadAllTextAsync(Path.Combine(restored, "data", "xtrabackup_checkpoints"))).Should().Contain("backup_type = log-applied",
            "the image's mariadb-backup --prepare ran on the extracted stream");
        File.Exists(Path.Combine(restored, "data", _database, "probe.ibd")).Should().BeTrue("the table made before the backup is in the restored datadir");
    }

    [ImageFact]
    public async Task Without_the_datadir_mounted_the_run_fails_with_one_line_and_no_stack_trace()
    {
        var job = targets.Job(Storage, _dir, _prefix, PhysicalSource);
        var (uid, gid) = await OwnerAsync((await ScalarAsync("SELECT @@datadir")).TrimEnd('/'));
        ImageTargets.Chown(_dir.Combine("backups"), uid, gid);

        var run = await ContainerImages.RunAsync(job with { Source = Source, User = $"{uid}:{gid}" });

        run.ExitCode.Should().Be(4, "a source failure: mariadb-backup finds no data files at the server's @@datadir");
        run.StandardError.Should().Contain("mariadb-backup of ").And.NotContain("   at ");
        Directory.EnumerateFiles(_dir.Combine("backups"), "*", SearchOption.AllDirectories).Should().BeEmpty("a failed run stores nothing");
    }

    private static ContainerRun Run() => new(Storage) { Source = Source };

    private static string PhysicalSource => TestServers.MariaDbHaSource.Replace("plugin: mariadb-ha", $"plugin: {Source}", StringComparison.Ordinal);

    private static async Task<string> ScalarAsync(string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        await using var command = new MySqlConnector.MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(int Uid, int Gid)> OwnerAsync(string path)
    {
        var stat = await Cli.Wrap("stat").WithArguments(["-c", "%u %g", path]).ExecuteBufferedAsync();
        var ids = stat.StandardOutput.Trim().Split(' ');
        return (int.Parse(ids[0]), int.Parse(ids[1]));
    }
}
