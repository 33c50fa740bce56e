using Backup.Testing;
using Xunit.Abstractions;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Progress of a real dump: mariadb-ha's estimate from the server's <c>information_schema</c> gives a percent that
/// matches the bytes dumped so far, and an estimate that covers the data being dumped.
/// </summary>
/// <remarks>
/// The real mariadb-dump runs behind a shim (the source's <c>dumpCommand</c>) that passes its first 4 MiB on and then
/// holds the rest until the test opens a gate file: the run is mid-dump for as long as the test needs, with no sleep.
/// Its database is on the shared server while it runs, so whole-server restores must not run beside it: it joins their collection.
/// </remarks>
[Collection(RestoreTargetCollection.Name)]
public sealed class MariaDbProgressSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int HeldBytes = 4 << 20;

    private readonly TempDir _dir = new("backup-mariadb-progress-");
    private readonly string _database = $"progress_{Guid.NewGuid():N}"[..24];
    private string _pluginsDirectory = "";

    public async Task InitializeAsync()
    {
        _pluginsDirectory = await MariaDbHaPlugins.ComposeAsync(_dir.Path);

        // About 12 MB of rows, so this database, not whatever else the shared server holds, makes most of the dump.
        // ANALYZE: fresh statistics, InnoDB updates DATA_LENGTH in the background after a bulk insert.
        await TestServers.ExecuteAsync(
            TestServers.MariaDbPort,
            $"CREATE DATABASE {_database}",
            $"CREATE TABLE {_database}.orders (id INT PRIMARY KEY, customer VARCHAR(64), note TEXT, KEY (customer)) ENGINE=InnoDB",
            $"INSERT INTO {_database}.orders SELECT seq, CONCAT('customer-', seq), REPEAT(MD5(seq), 3) FROM {_database}.seq_1_to_60000",
            $"ANALYZE TABLE {_database}.orders");
    }

    public async Task DisposeAsync()
    {
        // Also from the restore target: another helper's restore of the whole server may have copied it there.
        await TestServers.ExecuteAsync(TestServers.MariaDbPort, $"DROP DATABASE IF EXISTS {_database}");
        await TestServers.ExecuteAsync(TestServers.RestorePort, $"DROP DATABASE IF EXISTS {_database}");
        _dir.Dispose();
    }

    [Fact]
    public async Task A_real_dump_shows_a_percent_of_the_servers_estimate_that_matches_the_bytes_dumped()
    {
        var gate = _dir.Combine("gate");
        var shim = _dir.Combine("held-mariadb-dump");
        await File.WriteAllTextAsync(shim, $"""
            #!/bin/bash
            set -o pipefail
            '{TestServers.MariaDbDumpPath}' "$@" | {"{"} head -c {HeldBytes}; while [ ! -e '{gate}' ]; do sleep 0.05; done; cat; {"}"}
            """);
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: progress
            source:
              {TestServers.MariaDbHaSource}
                dumpCommand: {shim}
            storage:
              plugin: local
              settings:
                path: {_dir.Combine("store")}
            tempDirectory: {_dir.Combine("tmp")}
            pipeline:
              progressIntervalSeconds: 1
            """);
        await using var run = await BackgroundHost.StartAsync(
            new Dictionary<string, string?> { ["BACKUP_LOG_FORMAT"] = "json" }, "run", "--spec", spec, "--plugins-dir", _pluginsDirectory);

        await run.WaitUntilAsync(() => HeldProgress(run.StandardErrorSoFar) is not null, "a progress record with a percent while the dump is held");
        await File.WriteAllTextAsync(gate, "");
        var (exitCode, _, stderr) = await run.WaitForExitAsync();

        exitCode.Should().Be(0, stderr);
        var progress = HeldProgress(stderr)!.Value;
        var (bytes, total, percent) = (progress.Field("bytes")!.Value.GetInt64(), progress.Field("totalBytes")!.Value.GetInt64(), progress.Field("percent")!.Value.GetInt32());
        progress.Field("totalIsEstimate")!.Value.GetBoolean().Should().BeTrue();
        percent.Should().Be((int)(bytes * 100 / total)).And.BeInRange(1, 99);
        progress.Field("etaSeconds").Should().NotBeNull();

        var dumped = JsonLogLines.Parse(stderr, "stderr").Last(r => r.Text("message")!.StartsWith("Dump from ", StringComparison.Ordinal) && r.Text("message")!.Contains(" finished: ")).Field("Bytes")!.Value.GetInt64();
        output.WriteLine($"held at {bytes:N0} bytes: {percent}% of the estimated {total:N0}; the dump was {dumped:N0} bytes ({(double)dumped / total:F2} x the estimate)");
        // Only a lower bound: other tests' fresh tables on the shared server are in the dump before their statistics are.
        total.Should().BeGreaterThanOrEqualTo(await TestServers.CountAsync(
            TestServers.MariaDbPort, $"SELECT DATA_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{_database}' AND TABLE_NAME = 'orders'"), "the estimate covers this test's database");
    }

    // The last progress record written while the shim held the dump at 4 MiB (earlier ones may predate the estimate).
    private static System.Text.Json.JsonElement? HeldProgress(string stderr)
    {
        var complete = stderr[..(stderr.LastIndexOf('\n') + 1)];
        return JsonLogLines.Parse(complete, "stderr")
            .Where(r => r.Text("category") == "Backup.Progress" && r.Field("percent") is not null && r.Field("bytes")!.Value.GetInt64() >= HeldBytes)
            .Select(r => (System.Text.Json.JsonElement?)r)
            .LastOrDefault();
    }
}
