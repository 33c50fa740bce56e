using System.Security.Cryptography;
using System.Text.Json;
using Backup.Deploy.Tests.Support;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;
using MySqlConnector;

namespace Backup.Deploy.Tests;

/// <summary>The folder an image carries (build/publish-image-layout.sh) runs a real backup and holds only its one source and one storage plugin.</summary>
public sealed class ImageLayoutSpecs : IAsyncLifetime
{
    private const string Database = "deploy_layout_probe";
    private const string Namespace = "startree";
    private readonly TempDir _dir = new("backup-deploy-");
    private readonly KubernetesApiStub _kubernetes = new();

    public static TheoryData<string> Storages => [.. ImageLayouts.Storages];

    public static TheoryData<string> OtherSources => [.. ImageLayouts.OtherSources];

    public static TheoryData<string> OverlaysOtherThanLocal => [.. DeployTree.Overlays.Where(o => o != "local")];

    public async Task InitializeAsync() => await _kubernetes.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _kubernetes.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task A_layout_holds_the_host_the_mariadb_source_and_only_its_own_storage_plugin(string storage)
    {
        var layout = await ImageLayouts.DirectoryAsync(storage);
        File.GetUnixFileMode(Path.Combine(layout, "backup")).Should().HaveFlag(UnixFileMode.OtherExecute, "the image's uid 10001 runs it");
        Directory.GetFiles(layout, "*.pdb", SearchOption.AllDirectories).Should().BeEmpty();
        Directory.GetDirectories(Path.Combine(layout, "plugins")).Should().HaveCount(2);

        var result = await PublishedHost.RunFromAsync(layout, ["plugins"], new Dictionary<string, string?> { ["BACKUP_PLUGINS_DIR"] = null });

        result.ExitCode.Should().Be(0, result.StandardOutput);
        var rows = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipWhile(line => !line.StartsWith("NAME", StringComparison.Ordinal)).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        rows.Select(r => (r[0], r[1])).Should().BeEquivalentTo([("mariadb-ha", "source"), (storage, "storage")]);
    }

    [Fact]
    public async Task A_real_backup_runs_from_the_local_layout_with_the_local_overlay_spec_and_environment()
    {
        await SeedAsync();
        _kubernetes.AddSecret(Namespace, "startree-mariadb-ha", new Dictionary<string, string> { ["root-password"] = TestServers.MariaDbPassword });
        var home = Directory.CreateDirectory(_dir.Combine("home", ".kube")).Parent!.FullName;
        File.Copy(_kubernetes.KubeconfigPath, Path.Combine(home, ".kube", "config"));
        var backups = _dir.Combine("backups");
        var temp = _dir.Combine("tmp", "backup");

        // Only what differs outside the cluster: the database's address, the volumes, and the kubeconfig (in the pod: its token).
        var result = await OverlayRun.RunAsync("local", "local", "run", _dir.Path, new Dictionary<string, string?>
        {
            ["MARIADB_HA_SERVICE_NAME"] = TestServers.MariaDbHost,
            ["MARIADB_PORT"] = TestServers.MariaDbPort.ToString(),
            ["BACKUP_LOCAL_DIR"] = backups,
            ["BACKUP_TEMP_DIR"] = temp,
            ["HOME"] = home,
        });

        result.ExitCode.Should().Be(0, result.StandardError);
        _kubernetes.AuthorizationHeaders.Should().NotBeEmpty("the password came from the Secret the Role allows");
        var archive = Directory.GetFiles(Path.Combine(backups, "mariadb-ha-backup"), "mariadb-ha-backup-*.tar.gz").Should().ContainSingle().Subject;
        var sha1 = Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(archive)));
        (await File.ReadAllTextAsync(archive + ".sha1")).Should().StartWith(sha1);
        Directory.Exists(temp).Should().BeTrue("BACKUP_TEMP_DIR from the image is where the run worked");
        Directory.EnumerateFileSystemEntries(temp).Should().BeEmpty("the run removes its temp files");
        var logLines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        logLines.Should().NotBeEmpty().And.OnlyContain(line => IsJsonObject(line), "BACKUP_LOG_FORMAT=json from the image");
        result.StandardError.Should().NotContain(TestServers.MariaDbPassword);
    }

    [Theory]
    [MemberData(nameof(OverlaysOtherThanLocal))]
    public async Task Running_another_storage_spec_in_the_local_image_fails_with_one_line_listing_the_installed_plugins(string overlay)
    {
        var result = await OverlayRun.RunAsync("local", overlay, "run", _dir.Path);

        result.ExitCode.Should().Be(2);
        // One JSON record (BACKUP_LOG_FORMAT=json from the image) holding the one error line.
        var line = HostOutput.Lines(result.StandardError).Should().ContainSingle().Subject;
        line.Should().StartWith("error: ").And.Contain($"storage.plugin '{overlay}' is not installed").And.EndWith("installed storage plugins: local");
    }

    [Theory]
    [MemberData(nameof(OtherSources))]
    public async Task A_layout_of_another_source_holds_the_host_that_source_and_the_local_storage_only(string source)
    {
        var layout = await ImageLayouts.DirectoryAsync(ImageLayouts.ProofStorage, source);
        Directory.GetDirectories(Path.Combine(layout, "plugins")).Should().HaveCount(2);

        var result = await PublishedHost.RunFromAsync(layout, ["plugins"], new Dictionary<string, string?> { ["BACKUP_PLUGINS_DIR"] = null });

        result.ExitCode.Should().Be(0, result.StandardOutput);
        var rows = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipWhile(line => !line.StartsWith("NAME", StringComparison.Ordinal)).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        rows.Select(r => (r[0], r[1])).Should().BeEquivalentTo([(source, "source"), (ImageLayouts.ProofStorage, "storage")]);
    }

    [Theory]
    [InlineData("mariadb-ha", "no-such-cloud", "no storage plugin 'no-such-cloud'")]
    [InlineData("no-such-source", "local", "no source plugin 'no-such-source'")]
    [InlineData("local", "local", "no source plugin 'local'")]
    public async Task The_layout_script_names_the_plugins_of_that_kind_it_can_publish_when_given_an_unknown_one(string source, string storage, string message)
    {
        var result = await ImageLayouts.ScriptAsync("--from", await PublishedHost.DirectoryAsync(), source, storage, _dir.Combine("layout"));

        result.ExitCode.Should().Be(1);
        var kind = message.Split(' ')[1];
        var available = kind == "storage" ? ImageLayouts.Storages : [ImageLayouts.DefaultSource, .. ImageLayouts.OtherSources];
        result.StandardError.Trim().Should().StartWith($"publish-image-layout.sh: {message} (available: ")
            .And.EndWith(")").And.ContainAll(available);
        Directory.Exists(_dir.Combine("layout")).Should().BeFalse("nothing is written for an unknown plugin");
    }

    [Fact]
    public async Task Every_source_plugin_has_its_programs_known_to_the_image_build()
    {
        var known = await Cli.Wrap("bash").WithArguments(["build/source-tools.sh", "--list"]).WithWorkingDirectory(RepositoryPaths.Root).ExecuteBufferedAsync();

        known.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().Contain([ImageLayouts.DefaultSource, .. ImageLayouts.OtherSources], "the Dockerfile's source-tools stage fails on a source it has no programs for");
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task SeedAsync()
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        foreach (var sql in new[]
        {
            $"DROP DATABASE IF EXISTS {Database}",
            $"CREATE DATABASE {Database}",
            $"CREATE TABLE {Database}.probe (id INT PRIMARY KEY, note VARCHAR(20))",
            $"INSERT INTO {Database}.probe VALUES (1, 'from-the-image')",
        })
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
