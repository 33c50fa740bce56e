using System.Globalization;
using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// What mariadb-dump and mariadb get from the published host, seen by shims first on PATH that record it and exec
/// the real client: the password is in none of their arguments, environments or files on disk, and the restore's
/// client runs sandboxed; the backup and the restore still work against the real servers.
/// </summary>
[Collection(RestoreTargetCollection.Name)]
public sealed class ChildProcessSecretsSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new("backup-children-");
    private readonly string _database = $"children_{Guid.NewGuid():N}"[..24];
    private string _pluginsDirectory = "";

    public async Task InitializeAsync()
    {
        _pluginsDirectory = await MariaDbHaPlugins.ComposeAsync(_dir.Path);
        await ExecuteAsync(TestServers.MariaDbPort, $"CREATE DATABASE {_database}", $"CREATE TABLE {_database}.t (id INT PRIMARY KEY)", $"INSERT INTO {_database}.t VALUES (1), (2), (3)");
    }

    public async Task DisposeAsync()
    {
        await ExecuteAsync(TestServers.MariaDbPort, $"DROP DATABASE IF EXISTS {_database}");
        await ExecuteAsync(TestServers.RestorePort, $"DROP DATABASE IF EXISTS {_database}");
        _dir.Dispose();
    }

    [Fact]
    public async Task The_clients_get_the_password_only_through_an_in_memory_option_file_and_the_restore_client_is_sandboxed()
    {
        var temp = _dir.Combine("tmp");
        var environment = new Dictionary<string, string?> { ["PATH"] = $"{Shims(temp, "mariadb-dump", "mariadb")}:{Environment.GetEnvironmentVariable("PATH")}" };
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, $"name: children\nsource:\n  {TestServers.MariaDbHaSchemasSource}\nstorage:\n  plugin: local\n  settings:\n    path: {_dir.Combine("store")}\ntempDirectory: {temp}\n");

        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _pluginsDirectory], environment);
        var restore = await PublishedHost.RunAsync(
            ["restore", "--spec", spec, "--latest", "--target-port", TestServers.RestorePort.ToString(CultureInfo.InvariantCulture), "--force", "--plugins-dir", _pluginsDirectory],
            environment);

        run.ExitCode.Should().Be(0, run.StandardError);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        (await CountAsync(TestServers.RestorePort)).Should().Be(3, "the password reached both real clients");
        foreach (var client in new[] { "mariadb-dump", "mariadb" })
        {
            var environ = await File.ReadAllTextAsync(_dir.Combine($"{client}.env"));
            environ.Should().Contain("PATH=").And.NotContain(TestServers.MariaDbPasswordVariable + "=").And.NotContain(TestServers.MariaDbPassword);
            (await File.ReadAllTextAsync(_dir.Combine($"{client}.cnf"))).Should().BeEmpty($"no option file may be on disk while {client} runs");
            var argv = await File.ReadAllLinesAsync(_dir.Combine($"{client}.argv"));
            argv.Where(a => a.StartsWith("--defaults-extra-file=", StringComparison.Ordinal))
                .Should().NotBeEmpty().And.OnlyContain(a => a.StartsWith("--defaults-extra-file=/proc/", StringComparison.Ordinal));
            argv.Should().NotContain(a => a.Contains(TestServers.MariaDbPassword));
        }

        var clientRuns = (await File.ReadAllTextAsync(_dir.Combine("mariadb.argv"))).Split("--defaults-extra-file=", StringSplitOptions.RemoveEmptyEntries);
        clientRuns.Should().OnlyContain(r => r.Contains("\n--sandbox\n--binary-mode\n--local-infile=0\n"), "every mariadb run refuses client commands and local files");
    }

    private string Shims(string temp, params string[] clients) => ClientShims.Create(_dir, temp, clients);

    private Task<long> CountAsync(int port) => TestServers.CountAsync(port, $"SELECT COUNT(*) FROM {_database}.t");

    private static Task ExecuteAsync(int port, params string[] statements) => TestServers.ExecuteAsync(port, statements);
}
