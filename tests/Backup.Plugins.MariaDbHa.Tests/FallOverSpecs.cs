using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

[Collection(GaleraClusterCollection.Name)]
public sealed class FallOverSpecs(GaleraCluster cluster) : IAsyncLifetime
{
    private const string Database = "galera_bulk";
    private const int Victim = 2;
    private readonly TempDir _shims = new();
    private readonly SourceRun _run = new();

    public async Task InitializeAsync()
    {
        await cluster.RestoreAsync();
        // ~48 MB: far more than the pipe and socket buffers can hold, so the dump is still reading when the node dies.
        await cluster.ExecuteAsync(1, $"CREATE DATABASE IF NOT EXISTS {Database}");
        await cluster.ExecuteAsync(1, $"CREATE TABLE IF NOT EXISTS {Database}.rows (id INT PRIMARY KEY, pad VARCHAR(1000) NOT NULL)");
        for (var batch = 0; batch < 6; batch++)
        {
            await cluster.ExecuteAsync(1,
                $"INSERT IGNORE INTO {Database}.rows SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000) FROM {Database}.seq_{batch * 8000 + 1}_to_{(batch + 1) * 8000}");
        }
    }

    public async Task DisposeAsync()
    {
        _run.Dispose();
        _shims.Dispose();
        await cluster.RestoreAsync();
    }

    /// <summary>A mariadb-dump that, on the victim's port only, stalls after 64 KiB until the test killed the node (it then creates "killed").</summary>
    private string SlowOnVictimShim()
    {
        var started = _shims.Combine("started");
        var killed = _shims.Combine("killed");
        var rc = _shims.Combine("rc");
        return _shims.WriteScript("mariadb-dump", $$"""
            case "$*" in
              *--port={{cluster.Port(Victim)}}*)
                { '{{TestServers.MariaDbDumpPath}}' "$@"; echo $? > '{{rc}}'; } | { head -c 65536; touch '{{started}}'; for _ in $(seq 1200); do [ -e '{{killed}}' ] && break; sleep 0.05; done; cat; }
                exit "$(cat '{{rc}}')" ;;
              *) exec '{{TestServers.MariaDbDumpPath}}' "$@" ;;
            esac
            """);
    }

    private async Task<SourceResult> RunKillingTheVictimAsync(params (string Key, object Value)[] extra)
    {
        var run = _run.RunAsync(SourceRun.ClusterSettings(cluster, [("prefer", $"galera{Victim}"), ("dumpCommand", SlowOnVictimShim()), .. extra]));
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!File.Exists(_shims.Combine("started")) && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        File.Exists(_shims.Combine("started")).Should().BeTrue("the dump from the victim must have started");
        await cluster.KillAsync(Victim);
        await File.WriteAllTextAsync(_shims.Combine("killed"), "");
        return await run;
    }

    [Fact]
    public async Task A_node_killed_during_the_dump_makes_the_run_fall_over_to_another_synced_node()
    {
        var result = await RunKillingTheVictimAsync();

        var victim = $"{TestServers.MariaDbHost}:{cluster.Port(Victim)}";
        result.Metadata["node"].Should().NotBe(victim);
        result.Metadata["attempt"].Should().Be("2");
        // mariadb-dump words error 2013 differently depending on where the connection dropped, and when its node is
        // SIGKILLed while it is blocked writing its output it may exit 2 with nothing on stderr (seen on an idle machine):
        // what must hold is that the failed attempt is reported with its exit code and the node's state after it, and
        // that the run moved on.
        _run.Logs.Messages.Should().Contain(m =>
            m.StartsWith($"Dump from {victim} failed: mariadb-dump from {victim} failed with exit code ", StringComparison.Ordinal)
            && m.Contains("(node now: unreachable: ", StringComparison.Ordinal));
        _run.DumpText.Should().Contain("-- Dump completed").And.Contain("INSERT INTO `rows` VALUES");
        _run.Writer.Entries.Keys.Should().Equal(SourceRun.EntryName);
    }

    [Fact]
    public async Task With_one_attempt_a_node_killed_during_the_dump_fails_the_run_cleanly()
    {
        var act = () => RunKillingTheVictimAsync(("maxAttempts", "1"));

        var error = (await act.Should().ThrowAsync<BackupSourceException>()).Which;
        var victim = $"{TestServers.MariaDbHost}:{cluster.Port(Victim)}";
        error.Message.Should().NotContain("\n").And.Contain($"{victim}: mariadb-dump from {victim} failed with exit code ").And.Contain("(node now: unreachable: ")
            .And.Contain("not tried (maxAttempts 1 reached)");
        _run.Writer.Entries.Should().BeEmpty("a failed dump's entry is discarded, so the host uploads nothing");
        Directory.GetFiles(_run.WorkDirectory).Should().BeEmpty("the option file and scratch files are deleted also on failure");
    }
}
