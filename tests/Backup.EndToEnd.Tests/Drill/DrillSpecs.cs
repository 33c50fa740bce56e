using System.Text.Json;
using Backup.Testing;
using CliWrap.Buffered;
using MySqlConnector;

namespace Backup.EndToEnd.Tests.Drill;

/// <summary>
/// <c>backup drill</c> through the published host: a real backup of the test server (mariadb-ha, local storage) loaded
/// into a fresh scratch server of the test's own, then checked against the inventory the backup recorded.
/// </summary>
public sealed class DrillSpecs : IAsyncLifetime
{
    private readonly string _job = Pushgateway.UniqueJob("drill");
    private readonly string _database = $"drill_{Guid.NewGuid():N}"[..20];
    private readonly TempDir _dir = new("backup-drill-");
    private string _pluginsDirectory = "";

    public async Task InitializeAsync()
    {
        _pluginsDirectory = PublishedHost.ComposePluginsDirectory(
            _dir.Path,
            await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"),
            await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa"));
        await SeedSourceAsync();
    }

    public async Task DisposeAsync()
    {
        await using (var connection = await TestServers.OpenMariaDbAsync())
        await using (var drop = new MySqlCommand($"DROP DATABASE IF EXISTS {_database}", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task A_drill_into_a_fresh_server_passes_and_rows_deleted_after_the_load_fail_the_checks_naming_the_table_and_both_counts()
    {
        var spec = WriteSpec();
        var run = await Host(["run", "--spec", spec]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var manifest = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(_dir.Combine("store"), "*.manifest.json", SearchOption.AllDirectories).Single()));
        manifest.RootElement.GetProperty("inventory").GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("schema").GetString() == _database)
            .Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("name").GetString(), i.TryGetProperty("rows", out var rows) ? rows.GetInt64() : -1))
            .Should().BeEquivalentTo(new[]
            {
                ("table", "orders", 2000L), ("table", "notes;(x)", 4L), ("table", "empty", 0L), ("view", "big_orders", -1L),
                ("trigger", "orders_check", -1L), ("procedure", "add_order", -1L), ("function", "order_total", -1L), ("event", "purge", -1L),
            });

        await using var scratch = await ScratchServer.StartFreshAsync();
        (await TestServers.CountAsync(scratch.Port, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'test'")).Should().Be(1, "a fresh Debian server has an empty test schema, which is not data");

        var drill = await Host(["drill", "--spec", spec, "--latest", "--target-host", TestServers.MariaDbHost, "--target-port", $"{scratch.Port}", "--output", "json"], Metrics);

        drill.ExitCode.Should().Be(0, drill.StandardError + drill.StandardOutput);
        var report = JsonDocument.Parse(drill.StandardOutput).RootElement;
        report.GetProperty("result").GetString().Should().Be("passed");
        report.GetProperty("loaded").GetBoolean().Should().BeTrue();
        report.GetProperty("tables").GetInt32().Should().BeGreaterThanOrEqualTo(3);
        report.GetProperty("differences").GetArrayLength().Should().Be(0);
        (await TestServers.CountAsync(scratch.Port, $"SELECT COUNT(*) FROM {_database}.orders")).Should().Be(2000);

        await TestServers.ExecuteAsync(scratch.Port, $"DELETE FROM {_database}.orders WHERE id <= 3");
        await TestServers.ExecuteAsync(scratch.Port, $"DROP VIEW {_database}.big_orders");
        var passed = await DrillSeriesAsync();
        passed["backup_last_drilled_timestamp_seconds"].Should().Be(passed["backup_last_attempt_timestamp_seconds"], "the drill pushes its outcome to its own group");
        passed["backup_last_exit_code"].Should().Be(0);
        var check = await Host(["drill", "--spec", spec, "--latest", "--target-host", TestServers.MariaDbHost, "--target-port", $"{scratch.Port}", "--check-only"], Metrics);

        check.ExitCode.Should().Be(10, check.StandardError);
        check.StandardOutput.Should().Contain($"table `{_database}`.`orders`: 2,000 rows in the backup, 1,997 rows on the target")
            .And.Contain($"view `{_database}`.`big_orders`: in the backup, not on the target")
            .And.Contain("RESULT   failed (2 differences)");
        check.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("drill of").And.Contain("failed: 2 differences");
        var failed = await DrillSeriesAsync();
        failed["backup_last_exit_code"].Should().Be(10);
        failed["backup_last_drilled_timestamp_seconds"].Should().Be(passed["backup_last_drilled_timestamp_seconds"], "a failed drill keeps the last passed one's time");
        await Pushgateway.DeleteGroupAsync(_job, "drill");
    }

    private static Dictionary<string, string?> Metrics => new() { ["BACKUP_PUSHGATEWAY_URL"] = Pushgateway.Url };

    private async Task<Dictionary<string, double>> DrillSeriesAsync() =>
        (await Pushgateway.ScrapeAsync(_job)).Where(s => s.Labels.GetValueOrDefault("command") == "drill").ToDictionary(s => s.Name, s => s.Value);

    [Fact]
    public async Task A_drill_refuses_a_server_holding_data_even_one_routine_and_with_force_loads_nothing()
    {
        var spec = WriteSpec();
        (await Host(["run", "--spec", spec])).ExitCode.Should().Be(0);
        await using var scratch = await ScratchServer.StartFreshAsync();
        await TestServers.ExecuteAsync(scratch.Port, "CREATE DATABASE keep_me");
        await TestServers.ExecuteAsync(scratch.Port, "CREATE PROCEDURE keep_me.p() SELECT 1");
        string[] drill = ["drill", "--spec", spec, "--latest", "--target-host", TestServers.MariaDbHost, "--target-port", $"{scratch.Port}"];

        var refused = await Host(drill);
        var forced = await Host([.. drill, "--force"]);

        refused.ExitCode.Should().Be(8, refused.StandardError);
        refused.StandardError.Should().Contain($"target {TestServers.MariaDbHost}:{scratch.Port} holds data (1 object, first: procedure `keep_me`.`p`)").And.Contain("nothing was loaded");
        forced.ExitCode.Should().Be(2, forced.StandardError);
        forced.StandardError.Should().Contain("--force is not accepted");
        (await TestServers.CountAsync(scratch.Port, $"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{_database}'")).Should().Be(0, "a refused drill loads nothing");
    }

    [Fact]
    public async Task A_backup_made_before_inventories_is_loaded_and_reported_unchecked_saying_why()
    {
        // The local storage of the spec is <store>/<prefix>, the prefix defaulting to the job's name.
        var id = $"{_job}-20240101T000000Z";
        ForgedBackup.Write(_dir.Combine("store"), _job, _job, id, $"CREATE DATABASE `{_database}`;\nUSE `{_database}`;\nCREATE TABLE `t` (a int);\nINSERT INTO `t` VALUES (1),(2);\n");
        await using var scratch = await ScratchServer.StartFreshAsync();

        var drill = await Host(["drill", "--spec", WriteSpec(), "--id", id, "--target-host", TestServers.MariaDbHost, "--target-port", $"{scratch.Port}"]);

        drill.ExitCode.Should().Be(0, drill.StandardError);
        drill.StandardOutput.Should().Contain("RESULT   unchecked").And.Contain($"the manifest of {id} records no inventory");
        drill.StandardError.Should().Contain("records no inventory", "the log says it too");
        (await TestServers.CountAsync(scratch.Port, $"SELECT COUNT(*) FROM `{_database}`.t")).Should().Be(2, "the load itself happened and was checked");
    }

    [Fact]
    public async Task Restore_needs_no_force_for_a_server_whose_schemas_are_all_empty()
    {
        var spec = WriteSpec();
        (await Host(["run", "--spec", spec])).ExitCode.Should().Be(0);
        await using var scratch = await ScratchServer.StartFreshAsync();
        await TestServers.ExecuteAsync(scratch.Port, "CREATE DATABASE nothing_here");

        var restore = await Host(["restore", "--spec", spec, "--latest", "--target-host", TestServers.MariaDbHost, "--target-port", $"{scratch.Port}"]);

        restore.ExitCode.Should().Be(0, restore.StandardError);
        (await TestServers.CountAsync(scratch.Port, $"SELECT COUNT(*) FROM {_database}.orders")).Should().Be(2000);
    }

    private async Task SeedSourceAsync()
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        foreach (var sql in new[]
        {
            $"CREATE DATABASE {_database} CHARACTER SET utf8mb4",
            $"USE {_database}",
            $"CREATE TABLE {_database}.orders (id INT PRIMARY KEY, amount DECIMAL(10,2) NOT NULL, note VARCHAR(100))",
            $"INSERT INTO {_database}.orders SELECT seq, 42.50, IF(seq % 3 = 0, 'a;b),(c', 'it''s \\\\ (x)') FROM seq_1_to_2000",
            $"CREATE TABLE {_database}.`notes;(x)` (id INT PRIMARY KEY, body BLOB)",
            $"INSERT INTO {_database}.`notes;(x)` VALUES (1, X'28293B2700'), (2, '/* not ( a comment */'), (3, '-- ; nor ( this'), (4, '\\'),(\\'')",
            $"CREATE TABLE {_database}.empty (id INT)",
            $"CREATE VIEW {_database}.big_orders AS SELECT id FROM {_database}.orders WHERE amount > 40",
            $"CREATE TRIGGER {_database}.orders_check BEFORE INSERT ON {_database}.orders FOR EACH ROW SET NEW.note = CONCAT(NEW.note, ';)')",
            $"CREATE FUNCTION {_database}.order_total(order_id INT) RETURNS DECIMAL(10,2) READS SQL DATA RETURN (SELECT amount FROM {_database}.orders WHERE id = order_id)",
            $"CREATE PROCEDURE {_database}.add_order(IN i INT) BEGIN INSERT INTO {_database}.orders VALUES (i, 1, ';'); SELECT ';;'; END",
            $"CREATE EVENT {_database}.purge ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM {_database}.orders WHERE id < 0",
        })
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private string WriteSpec()
    {
        var path = _dir.Combine($"job-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"name: {_job}\nsource:\n  {TestServers.MariaDbHaSource}\nstorage:\n  plugin: local\n  settings:\n    path: {_dir.Combine("store")}\ntempDirectory: {_dir.Combine("tmp")}\n");
        return path;
    }

    private Task<BufferedCommandResult> Host(string[] arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        PublishedHost.RunAsync([.. arguments, "--plugins-dir", _pluginsDirectory], environment);
}
