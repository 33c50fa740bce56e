using System.IO.Compression;
using System.Text;
using Backup.Testing;
using MySqlConnector;

namespace Backup.EndToEnd.Tests;

/// <summary>Streaming mode against a real server whose dump fails part-way with an error a retry fixes (a table changed or a database dropped under the dump).</summary>
public sealed class StreamingRetrySpecs : IAsyncLifetime
{
    private const string PasswordVariable = "BACKUP_TEST_SRETRY_PASSWORD";
    private readonly string _database = $"sretry_{Guid.NewGuid():N}"[..20];
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly TempDir _dir = new();

    // Its own user, so the wait below recognises this run's dump and not another test's all-databases dump of the shared server.
    private string User => _database;

    public async Task InitializeAsync()
    {
        await TestServers.ExecuteAsync($"CREATE USER '{User}'@'%' IDENTIFIED BY @pw", ("@pw", _password));
        await TestServers.ExecuteAsync($"GRANT ALL PRIVILEGES ON *.* TO '{User}'@'%'");
        await TestServers.ExecuteAsync($"CREATE DATABASE {_database}");
        await TestServers.ExecuteAsync($"CREATE TABLE {_database}.a_first (id INT PRIMARY KEY)");
        await TestServers.ExecuteAsync($"CREATE TABLE {_database}.z_second (id INT PRIMARY KEY)");
        await TestServers.ExecuteAsync($"INSERT INTO {_database}.z_second VALUES (1), (2)");
    }

    public async Task DisposeAsync()
    {
        await TestServers.ExecuteAsync($"DROP DATABASE IF EXISTS {_database}");
        await TestServers.ExecuteAsync($"DROP USER IF EXISTS '{User}'@'%'");
        _dir.Dispose();
    }

    [Fact]
    public async Task A_streamed_dump_retried_after_a_table_changed_under_it_stores_one_whole_dump_that_verifies()
    {
        var store = _dir.Combine("store");
        var spec = _dir.Combine("job.yaml");
        var source = $"plugin: mariadb-ha\n  settings:\n    host: {TestServers.MariaDbHost}\n    port: {TestServers.MariaDbPort}\n    user: {User}\n    password:\n      env: {PasswordVariable}";
        await File.WriteAllTextAsync(spec, $"name: nightly\nsource:\n  {source}\nstorage:\n  plugin: local\n  settings:\n    path: {store}\n" +
            $"artifact:\n  prefix: p\ntempDirectory: {_dir.Combine("tmp")}\npipeline:\n  mode: streaming\n");

        // The dump (all databases, one snapshot) waits for a_first, after it already streamed the databases before this
        // one; meanwhile z_second is truncated (a new table under the old snapshot), so reading it fails with error 1412
        // and the source dumps again, writing its entry a second time.
        await using var holder = await TestServers.OpenMariaDbAsync();
        await ExecuteAsync(holder, $"LOCK TABLES {_database}.a_first WRITE");
        var run = PublishedHost.RunAsync(["run", "--spec", spec], new Dictionary<string, string?> { [PasswordVariable] = _password });
        await WaitForDumpBlockedAsync(run);
        await TestServers.ExecuteAsync($"TRUNCATE TABLE {_database}.z_second");
        await ExecuteAsync(holder, "UNLOCK TABLES");
        var result = await run;

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardError.Should().Contain("Error 1412").And.Contain("abandoning that upload (nothing of it is stored)");
        var id = result.StandardOutput.Split(' ')[0];
        Directory.GetFiles(store, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Should()
            .BeEquivalentTo([$"{id}.sql.gz", $"{id}.manifest.json", $"{id}.sql.gz.sha1"], "nothing of the abandoned attempt is left, not even a hidden temporary file");
        var verify = await PublishedHost.RunAsync(["verify", "--spec", spec, "--id", id], new Dictionary<string, string?> { [PasswordVariable] = _password });
        verify.ExitCode.Should().Be(0, verify.StandardError);
        using var plain = new MemoryStream();
        await new GZipStream(File.OpenRead(Path.Combine(store, "p", $"{id}.sql.gz")), CompressionMode.Decompress).CopyToAsync(plain);
        var dump = Encoding.UTF8.GetString(plain.ToArray());
        dump.Should().Contain($"CREATE TABLE `z_second`").And.EndWith("\n");
        CountOf(dump, "-- Dump completed").Should().Be(1, "only the second dump is stored");
        CountOf(dump, $"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{_database}`").Should().Be(1);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // Polls the process list (a condition, not a delay) for this test's dump waiting on a_first; gives up when the run ended or after 60 s.
    private async Task WaitForDumpBlockedAsync(Task<CliWrap.Buffered.BufferedCommandResult> run)
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await using var command = new MySqlCommand(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = @user AND STATE = 'Waiting for table metadata lock' AND INFO LIKE '%`a_first`%'", connection);
            command.Parameters.AddWithValue("@user", User);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return;
            }

            if (run.IsCompleted)
            {
                throw new InvalidOperationException($"the run ended without waiting for a_first: {(await run).StandardError}");
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
