using CliWrap;
using CliWrap.Buffered;
using MySqlConnector;
using Xunit;

namespace Backup.Testing;

/// <summary>The 3-node Galera test cluster started by <c>scripts/test-servers.sh up</c> (BACKUP_TEST_GALERA_PORTS); share it as an xunit collection fixture.</summary>
/// <remarks>
/// Tests that kill or desync nodes must put them back (<see cref="RestoreAsync"/>); the fixture also does so before
/// and after the collection, so test order never matters. Kills and restarts go through the same script that
/// started the cluster, which knows each node's datadir and PID. Test assemblies run in parallel, so each fixture
/// holds an exclusive lock file from start to end: one assembly's kills never hit another assembly's backup.
/// </remarks>
public sealed class GaleraCluster : IAsyncLifetime
{
    private FileStream? _lock;

    /// <summary>The nodes' SQL ports, node 1 first (BACKUP_TEST_GALERA_PORTS, required).</summary>
    public IReadOnlyList<int> Ports { get; } =
        Environment.GetEnvironmentVariable("BACKUP_TEST_GALERA_PORTS") is { Length: > 0 } ports
            ? [.. ports.Split(',').Select(int.Parse)]
            : throw new InvalidOperationException("Set BACKUP_TEST_GALERA_PORTS (run ./test.sh, or scripts/test-servers.sh up with BACKUP_TEST_GALERA=1 and source its env file).");

    /// <summary>The SQL port of node <paramref name="node"/> (1-based).</summary>
    public int Port(int node) => Ports[node - 1];

    /// <summary>The nodes as <c>host:port</c>, for a <c>hosts</c> setting.</summary>
    public IReadOnlyList<string> Hosts => [.. Ports.Select(p => $"{TestServers.MariaDbHost}:{p}")];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"backup-test-galera-{Ports[0]}.lock");
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (_lock is null)
        {
            try
            {
                // FileShare.None takes an flock on Unix, which other processes honour.
                _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }

        await RestoreAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            await RestoreAsync();
        }
        finally
        {
            _lock?.Dispose();
        }
    }

    /// <summary>SIGKILLs node <paramref name="node"/>, as a crash would.</summary>
    public Task KillAsync(int node) => ScriptAsync("galera-kill", node);

    /// <summary>Restarts node <paramref name="node"/> at its recovered position and waits until it is Synced; a no-op for a running node.</summary>
    public Task StartAsync(int node) => ScriptAsync("galera-start", node);

    /// <summary>Brings the cluster back to 3 healthy nodes (see <see cref="WaitUntilHealthyAsync"/>): turns desync off, restarts dead nodes, and waits.</summary>
    /// <remarks>
    /// Desync goes off first: a restarted node needs a donor, and with the other nodes still desynced (a test that leaves
    /// none usable) its state transfer was seen to hang until the start timeout.
    /// </remarks>
    public async Task RestoreAsync()
    {
        for (var node = 1; node <= Ports.Count; node++)
        {
            try
            {
                await ExecuteAsync(node, "SET GLOBAL wsrep_desync=OFF");
            }
            catch (InvalidOperationException ex) when (ex.InnerException is MySqlException)
            {
                // A dead node: started below.
            }
        }

        for (var node = 1; node <= Ports.Count; node++)
        {
            await StartAsync(node);
        }

        await WaitUntilHealthyAsync();
    }

    /// <summary>Turns desync off on node <paramref name="node"/> and waits until the whole cluster is healthy again.</summary>
    /// <remarks>
    /// Setting <c>wsrep_desync=OFF</c> returns at once while the node still goes Donor/Desynced -> Joined -> Synced;
    /// a test that only set it and moved on handed the next test a cluster in transition (the CI flake of
    /// GaleraSafeLayoutSpecs, whose load ran in the very second node 1 went Joined -> Synced).
    /// </remarks>
    public async Task ResyncAsync(int node)
    {
        await ExecuteAsync(node, "SET GLOBAL wsrep_desync=OFF");
        await WaitUntilHealthyAsync();
    }

    /// <summary>Waits (up to two minutes) until every node is Synced, ready, in one Primary component of all nodes, not desynced and has nothing queued to apply.</summary>
    public async Task WaitUntilHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        for (var node = 1; node <= Ports.Count; node++)
        {
            string? state;
            while ((state = await HealthAsync(node)) is not null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Galera node {node} is not healthy after two minutes: {state}.");
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>Null when node <paramref name="node"/> is healthy, else what is wrong with it.</summary>
    private async Task<string?> HealthAsync(int node)
    {
        const string Sql = """
            SELECT
              MAX(IF(VARIABLE_NAME='wsrep_local_state_comment', VARIABLE_VALUE, NULL)),
              MAX(IF(VARIABLE_NAME='wsrep_cluster_status', VARIABLE_VALUE, NULL)),
              MAX(IF(VARIABLE_NAME='wsrep_ready', VARIABLE_VALUE, NULL)),
              MAX(IF(VARIABLE_NAME='wsrep_cluster_size', VARIABLE_VALUE, NULL)),
              MAX(IF(VARIABLE_NAME='wsrep_local_recv_queue', VARIABLE_VALUE, NULL)),
              @@wsrep_desync
            FROM information_schema.GLOBAL_STATUS
            """;
        try
        {
            await using var connection = await OpenAsync(node);
            await using var command = new MySqlCommand(Sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var values = Enumerable.Range(0, 6).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var healthy = values[0] == "Synced" && values[1] == "Primary" && values[2] == "ON"
                && values[3] == Ports.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) && values[4] == "0" && values[5] == "0";
            return healthy ? null : $"state {values[0]}, component {values[1]}, ready {values[2]}, cluster size {values[3]}, recv queue {values[4]}, desync {values[5]}";
        }
        catch (Exception ex) when (ex is MySqlException || ex.InnerException is MySqlException)
        {
            return $"unreachable ({ex.Message})";
        }
    }

    /// <summary>Opens a root connection to node <paramref name="node"/>.</summary>
    public Task<MySqlConnection> OpenAsync(int node) => TestServers.OpenMariaDbAsync(Port(node));

    /// <summary>Runs one statement on node <paramref name="node"/>.</summary>
    public async Task ExecuteAsync(int node, string sql)
    {
        await using var connection = await OpenAsync(node);
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>One value from node <paramref name="node"/>.</summary>
    public async Task<string?> ScalarAsync(int node, string sql)
    {
        await using var connection = await OpenAsync(node);
        await using var command = new MySqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <summary>A global status or variable value of node <paramref name="node"/>, e.g. <c>wsrep_local_state_comment</c>.</summary>
    public Task<string?> StatusAsync(int node, string name) =>
        ScalarAsync(node, $"SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='{name}'");

    private static async Task ScriptAsync(string command, int node)
    {
        var result = await Cli.Wrap("bash")
            .WithArguments([Path.Combine(RepositoryPaths.Root, "scripts", "test-servers.sh"), command, node.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"test-servers.sh {command} {node} failed ({result.ExitCode}): {result.StandardOutput} {result.StandardError}");
        }
    }
}
