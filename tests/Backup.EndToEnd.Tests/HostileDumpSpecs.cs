using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Backup.Testing;
using CliWrap.Buffered;
using MySqlConnector;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Restores of forged backups (consistent archive, manifest and .sha1, as anyone who can write to the bucket can make
/// them) whose dump holds client commands instead of SQL: the restore fails with exit 8 and one line, and the command
/// has no effect on the machine running the restore.
/// </summary>
[Collection(RestoreTargetCollection.Name)]
public sealed class HostileDumpSpecs : IAsyncLifetime
{
    private const string Job = "hostile";
    private const string Id = "hostile-20240101T000000Z";
    private readonly TempDir _dir = new("backup-hostile-");
    private readonly string _database = $"hostile_{Guid.NewGuid():N}"[..24];
    private string _pluginsDirectory = "";

    public async Task InitializeAsync() => _pluginsDirectory = await MariaDbHaPlugins.ComposeAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await using (var connection = await TestServers.OpenMariaDbAsync(TestServers.RestorePort))
        {
            await new MySqlCommand($"DROP DATABASE IF EXISTS {_database}", connection).ExecuteNonQueryAsync();
        }

        _dir.Dispose();
    }

    [Theory]
    [InlineData("\\! touch {marker}")]
    [InlineData("system touch {marker}")]
    [InlineData("SELECT 1; \\! touch {marker}")]
    public async Task A_forged_dump_line_that_runs_a_shell_command_fails_the_restore_and_runs_nothing(string line)
    {
        var marker = _dir.Combine("marker");

        var result = await RestoreForgedAsync($"CREATE DATABASE {_database};\n{line.Replace("{marker}", marker, StringComparison.Ordinal)}\nCREATE TABLE {_database}.after_it (id INT);\n");

        result.ExitCode.Should().Be(8, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().Contain($"loading {ForgedBackup.EntryName} into");
        File.Exists(marker).Should().BeFalse("a command from a backup must never run on the restoring machine");
        (await ScalarAsync($"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{_database}'")).Should().Be("0", "the load stops at the refused line");
    }

    [Fact]
    public async Task A_forged_dump_cannot_read_a_local_file_into_the_target()
    {
        // LOAD DATA LOCAL makes the client send a file of its own machine: the service account token, the option file.
        var secret = _dir.Combine("secret.txt");
        await File.WriteAllTextAsync(secret, "token-of-the-restoring-pod\n");

        var result = await RestoreForgedAsync(
            $"CREATE DATABASE {_database};\nCREATE TABLE {_database}.loot (line TEXT);\nLOAD DATA LOCAL INFILE '{secret}' INTO TABLE {_database}.loot;\n");

        result.ExitCode.Should().Be(8, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().Contain("local infile");
        (await ScalarAsync($"SELECT COUNT(*) FROM {_database}.loot")).Should().Be("0");
    }

    [Fact]
    public async Task A_forged_dump_cannot_make_the_client_log_in_to_another_server()
    {
        // `connect db host` is allowed in the sandbox: it would hand the restore's login to the dump's author.
        using var attacker = new TcpListener(IPAddress.Parse("127.0.0.2"), TestServers.RestorePort);
        attacker.Start();
        var restore = RestoreForgedAsync($"CREATE DATABASE {_database};\nconnect mysql 127.0.0.2\nCREATE TABLE {_database}.after_it (id INT);\n");

        // A client that connects waits for a greeting without a timeout: each connection is closed at once, so the
        // restore ends either way, and nothing is missed because the queue is checked once more after it ended.
        var contacted = 0;
        while (!restore.IsCompleted || attacker.Pending())
        {
            if (attacker.Pending())
            {
                using var connection = await attacker.AcceptTcpClientAsync();
                contacted++;
            }
            else
            {
                await Task.WhenAny(restore, Task.Delay(20));
            }
        }

        var result = await restore;
        contacted.Should().Be(0, "the restore must talk to its target only");
        result.ExitCode.Should().Be(8, result.StandardError);
        result.ErrorLines().Should().ContainSingle().Which.Should().Contain($"loading {ForgedBackup.EntryName} into");
    }

    private async Task<BufferedCommandResult> RestoreForgedAsync(string dump)
    {
        var store = _dir.Combine("store");
        ForgedBackup.Write(store, Job, Job, Id, dump);
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, $"name: {Job}\nsource:\n  {TestServers.MariaDbHaSource}\nstorage:\n  plugin: local\n  settings:\n    path: {store}\ntempDirectory: {_dir.Combine("tmp")}\n");

        // --force: the shared restore server may hold what other restore specs loaded.
        return await PublishedHost.RunAsync(
            ["restore", "--spec", spec, "--id", Id, "--target-port", TestServers.RestorePort.ToString(CultureInfo.InvariantCulture), "--force", "--plugins-dir", _pluginsDirectory]);
    }

    private static async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(TestServers.RestorePort);
        await using var command = new MySqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
