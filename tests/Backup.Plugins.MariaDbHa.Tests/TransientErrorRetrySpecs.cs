using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;
using MySqlConnector;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>Issue 14 item 7: an error a retry can fix is retried on the only usable node; others are not.</summary>
public sealed class TransientErrorRetrySpecs : IDisposable
{
    private const string Database = "retry_ddl";
    private readonly TempDir _shims = new();
    private readonly SourceRun _run = new();

    public void Dispose()
    {
        _run.Dispose();
        _shims.Dispose();
    }

    private static Dictionary<string, object> Settings(params (string Key, object Value)[] extra) =>
        SourceRun.ServerSettings(SourceRun.EnvPassword(TestServers.MariaDbPasswordVariable), extra);

    [Fact]
    public async Task A_table_truncated_during_the_dump_is_retried_on_the_same_node()
    {
        await TestServers.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        await TestServers.ExecuteAsync($"CREATE OR REPLACE TABLE {Database}.a_first (id INT PRIMARY KEY)");
        await TestServers.ExecuteAsync($"CREATE OR REPLACE TABLE {Database}.z_second (id INT PRIMARY KEY)");
        await TestServers.ExecuteAsync($"INSERT INTO {Database}.z_second VALUES (1), (2)");

        // The dump opens its snapshot, then waits for a_first; meanwhile z_second is truncated (a new table under the
        // old snapshot), so reading it fails with error 1412 - what a TRUNCATE or COPY ALTER during a nightly dump does.
        // Its own user, so the wait below recognises this dump and not another test's.
        await using var user = await DumpUser.CreateAsync("bk_retry", TestServers.MariaDbPort, DumpUser.DocumentedStatements("layouts"));
        await using var holder = await TestServers.OpenMariaDbAsync();
        await ExecuteAsync(holder, $"LOCK TABLES {Database}.a_first WRITE");
        // Other test classes create and drop databases on the same server, so a later attempt may meet a race of theirs.
        var backup = _run.RunAsync(SourceRun.ServerSettings(user.PasswordSetting(), ("user", user.Name), ("maxAttempts", "5")));
        await WaitForDumpBlockedOnAsync(user.Name, "a_first", backup);
        await TestServers.ExecuteAsync($"TRUNCATE TABLE {Database}.z_second");
        await ExecuteAsync(holder, "UNLOCK TABLES");

        var result = await backup;

        int.Parse(result.Metadata["attempt"], System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(1);
        _run.Logs.Messages.Should().Contain(m => m.Contains("Error 1412: Table definition has changed", StringComparison.Ordinal) && m.Contains("retrying", StringComparison.Ordinal));
        _run.DumpText.Should().Contain("CREATE TABLE `z_second`").And.Contain("-- Dump completed");
    }

    [Fact]
    public async Task A_database_created_during_the_dump_is_retried_so_the_dump_creates_every_database_it_selects()
    {
        var late = $"{Database}_late_{Guid.NewGuid():N}"[..32];
        await TestServers.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        await TestServers.ExecuteAsync($"CREATE OR REPLACE TABLE {Database}.a_first (id INT PRIMARY KEY)");
        // A view makes mariadb-dump list the databases a second time, for its view pass, after all tables.
        await TestServers.ExecuteAsync($"CREATE OR REPLACE VIEW {Database}.v_first AS SELECT id FROM {Database}.a_first");
        try
        {
            // The table pass has listed the databases and waits for a_first; the new database appears only in the view
            // pass, which writes its USE but no CREATE DATABASE: the dump would fail to load at that USE (ERROR 1049).
            await using var user = await DumpUser.CreateAsync("bk_late", TestServers.MariaDbPort, DumpUser.DocumentedStatements("layouts"));
            await using var holder = await TestServers.OpenMariaDbAsync();
            await ExecuteAsync(holder, $"LOCK TABLES {Database}.a_first WRITE");
            // Other test classes create databases on the same server too, so a later attempt may meet one of theirs.
            var backup = _run.RunAsync(SourceRun.ServerSettings(user.PasswordSetting(), ("user", user.Name), ("maxAttempts", "5")));
            await WaitForDumpBlockedOnAsync(user.Name, "a_first", backup);
            await TestServers.ExecuteAsync($"CREATE DATABASE {late}");
            await ExecuteAsync(holder, "UNLOCK TABLES");

            var result = await backup;

            int.Parse(result.Metadata["attempt"], System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(1);
            _run.Logs.Messages.Should().Contain(m => m.Contains($"selects database '{late}' without creating it", StringComparison.Ordinal) && m.Contains("retrying", StringComparison.Ordinal));
            var dump = _run.DumpText;
            dump.IndexOf($"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{late}`", StringComparison.Ordinal).Should().BeInRange(0, dump.IndexOf($"USE `{late}`", StringComparison.Ordinal));
        }
        finally
        {
            await TestServers.ExecuteAsync($"DROP DATABASE IF EXISTS {late}");
            await TestServers.ExecuteAsync($"DROP VIEW IF EXISTS {Database}.v_first");
        }
    }

    // maxAttempts 3 on the one node: a transient error is dumped 3 times (waiting 1 s, then 2 s), any other once.
    [Theory]
    [InlineData("mariadb-dump: Error 1412: Table definition has changed, please retry transaction when dumping table `t` at row: 0", 3)]
    [InlineData("mariadb-dump: Got error: 1044: \"Access denied for user 'u'@'%' to database 'd'\" when selecting the database", 1)]
    public async Task Only_an_error_a_retry_can_fix_is_retried_on_the_only_node_and_at_most_maxAttempts_times(string error, int dumps)
    {
        var runs = _shims.Combine("runs");
        File.WriteAllText(_shims.Combine("error"), error);
        var shim = _shims.WriteScript("mariadb-dump", $"""
            echo run >> '{runs}'
            cat '{_shims.Combine("error")}' >&2
            exit 2
            """);

        var act = () => _run.RunAsync(Settings(("dumpCommand", shim), ("maxAttempts", "3")));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().EndWith(error);
        File.ReadAllLines(runs).Should().HaveCount(dumps);
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // Polls the process list (a condition, not a delay); gives up when the backup ended without blocking or after 60 s.
    private static async Task WaitForDumpBlockedOnAsync(string user, string table, Task backup)
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await using var command = new MySqlCommand(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = @user AND STATE = 'Waiting for table metadata lock' AND INFO LIKE @pattern", connection);
            command.Parameters.AddWithValue("@user", user);
            command.Parameters.AddWithValue("@pattern", $"%`{table}`%");
            if (Convert.ToInt64(await command.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return;
            }

            if (backup.IsCompleted)
            {
                await backup;
                throw new InvalidOperationException($"the backup ended without waiting for {table}");
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
