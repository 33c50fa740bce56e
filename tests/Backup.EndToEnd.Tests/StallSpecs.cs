using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>The published host dumping a real MariaDB server that freezes mid-dump (behind a freezable proxy): the run ends by itself and says so.</summary>
public sealed class StallSpecs : IAsyncLifetime
{
    private const string Database = "stall_source";
    private readonly TempDir _dir = new();
    private readonly FreezableTcpProxy _proxy = new(TestServers.MariaDbPort);

    public async Task InitializeAsync()
    {
        // ~3 MB of rows: the dump is still streaming when the test freezes the server's connection after 500 KB.
        await TestServers.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        await TestServers.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Database}.rows (id INT PRIMARY KEY, pad VARCHAR(1000) NOT NULL)");
        await TestServers.ExecuteAsync($"INSERT IGNORE INTO {Database}.rows SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000) FROM {Database}.seq_1_to_3000");
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        // Every whole-server dump of the shared source server (other tests, in parallel) would carry it.
        await TestServers.ExecuteAsync($"DROP DATABASE IF EXISTS {Database}");
        _dir.Dispose();
    }

    [Theory]
    [InlineData("archive")]
    [InlineData("streaming")]
    public async Task A_run_whose_database_freezes_mid_dump_fails_with_exit_4_naming_the_stalled_source(string mode)
    {
        var spec = _dir.Combine($"{mode}.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: stall
            source:
              plugin: mariadb-ha
              settings:
                host: {TestServers.MariaDbHost}
                port: {_proxy.Port}
                user: root
                maxAttempts: 1
                password:
                  env: {TestServers.MariaDbPasswordVariable}
            storage:
              plugin: local
              settings:
                path: {_dir.Combine("store")}
            tempDirectory: {_dir.Combine("tmp")}
            pipeline:
              mode: {mode}
              stallTimeoutSeconds: 3
            """);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var frozen = _proxy.FreezeWhen(p => p.BytesToClient > 500_000);

        var result = await PublishedHost.RunAsync(["run", "--spec", spec], cancellationToken: deadline.Token);

        frozen.IsCompleted.Should().BeTrue("the server's connection froze mid-dump");

        result.ExitCode.Should().Be(4, result.StandardError);
        var errors = result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        errors.Should().ContainSingle().Which.Should()
            .StartWith("error: source 'mariadb-ha' stalled while")
            .And.Contain("no data moved for 3 s (pipeline.stallTimeoutSeconds 3)");
        var store = _dir.Combine("store");
        (Directory.Exists(store) ? Directory.GetFiles(store, "*", SearchOption.AllDirectories) : []).Should().BeEmpty("a stalled run stores nothing");
    }
}
