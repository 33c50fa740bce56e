using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

[Collection(GaleraClusterCollection.Name)]
public sealed class DesyncSpecs(GaleraCluster cluster) : IAsyncLifetime
{
    private const int Node = 3;
    private readonly TempDir _shims = new();
    private readonly SourceRun _run = new();

    public Task InitializeAsync() => cluster.RestoreAsync();

    public async Task DisposeAsync()
    {
        _run.Dispose();
        _shims.Dispose();
        await cluster.RestoreAsync();
    }

    private Dictionary<string, object> Settings(string shim) =>
        SourceRun.ClusterSettings(cluster, ("hosts", new[] { cluster.Hosts[Node - 1] }), ("desync", "true"), ("dumpCommand", shim));

    private async Task DesyncIsOffAsync()
    {
        (await cluster.ScalarAsync(Node, "SELECT @@wsrep_desync")).Should().Be("0");
        await cluster.WaitUntilHealthyAsync();
    }

    [Fact]
    public async Task The_dumped_node_is_desynced_during_the_dump_and_resynced_after_it()
    {
        // The shim asks the node for its state (with the same option file) before running the real dump.
        var state = _shims.Combine("state");
        var shim = _shims.WriteScript("mariadb-dump", $$"""
            mariadb "$1" --host={{TestServers.MariaDbHost}} --port={{cluster.Port(Node)}} --user=root -N -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_local_state_comment'" > '{{state}}'
            exec '{{TestServers.MariaDbDumpPath}}' "$@"
            """);

        var result = await _run.RunAsync(Settings(shim));

        File.ReadAllText(state).Trim().Should().Be("Donor/Desynced");
        result.Metadata["desync"].Should().Be("true");
        await DesyncIsOffAsync();
    }

    [Fact]
    public async Task Desync_is_turned_off_again_when_the_dump_fails()
    {
        var shim = _shims.WriteScript("mariadb-dump", """
            printf -- '-- MariaDB dump 10.19\n'
            echo "mariadb-dump: Error 2013: Lost connection to server during query when dumping table" >&2
            exit 2
            """);

        var act = () => _run.RunAsync(Settings(shim));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().Contain("failed with exit code 2");
        await DesyncIsOffAsync();
    }

    [Fact]
    public async Task Desync_is_turned_off_again_when_the_run_is_cancelled()
    {
        var started = _shims.Combine("started");
        var shim = _shims.WriteScript("mariadb-dump", $"touch '{started}'\nexec sleep 60\n");
        using var cancel = new CancellationTokenSource();

        var run = _run.RunAsync(Settings(shim), cancel.Token);
        while (!File.Exists(started) && !run.IsCompleted)
        {
            await Task.Delay(50);
        }

        (await cluster.ScalarAsync(Node, "SELECT @@wsrep_desync")).Should().Be("1", "the dump is running");
        await cancel.CancelAsync();

        await run.Invoking(r => r).Should().ThrowAsync<OperationCanceledException>();
        await DesyncIsOffAsync();
    }
}
