using System.Diagnostics;
using System.Security.Cryptography;
using MySqlConnector;

namespace Backup.Testing;

/// <summary>
/// A Galera cluster of the test's own on scratch ports, for tests that bootstrap a cluster from a restored datadir
/// without disturbing the shared 3-node test cluster (which other tests use at the same time). Nodes are killed on dispose.
/// </summary>
/// <remarks>
/// The node configuration is the one <c>scripts/servers/galera.sh</c> (<c>galera_write_config</c>) gives the shared
/// cluster, cut to what a node needs: provider, its own gmcast / IST / SST ports on 127.0.0.1, row binlog format,
/// mariadb-backup state transfer. rsync SST fails as root (its daemon drops to <c>nobody</c>), so joiners get their
/// data with mariadb-backup, which logs in to the donor as an SST user: <see cref="BootstrapAsync"/> creates one with a
/// random password, written only into the nodes' 0600 option files under the cluster's directory.
/// </remarks>
public sealed class ScratchGaleraCluster(string directory) : IAsyncDisposable
{
    private const string SstUser = "scratch_sst";
    private static readonly TimeSpan SyncDeadline = TimeSpan.FromSeconds(120);
    private readonly string _sstPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    private readonly List<ScratchServer> _nodes = [];
    private readonly List<int> _peerPorts = [];

    /// <summary>The running nodes, the bootstrapped one first.</summary>
    public IReadOnlyList<ScratchServer> Nodes => _nodes;

    /// <summary>
    /// Starts the first node on <paramref name="datadir"/> with <c>--wsrep-new-cluster</c> (a new cluster from the data
    /// it holds, as an operator bootstraps a restored node) and creates the SST user the joiners need; returns once it is Synced.
    /// </summary>
    public async Task<ScratchServer> BootstrapAsync(string datadir)
    {
        if (_nodes.Count > 0)
        {
            throw new InvalidOperationException("the cluster is already bootstrapped");
        }

        var node = await StartNodeAsync(datadir, "--wsrep-new-cluster");
        await using var connection = await TestServers.OpenMariaDbAsync(node.Port);
        await using var command = new MySqlCommand(
            $"CREATE OR REPLACE USER '{SstUser}'@'localhost' IDENTIFIED BY '{_sstPassword}'; " +
            $"GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO '{SstUser}'@'localhost'",
            connection);
        await command.ExecuteNonQueryAsync();
        return node;
    }

    /// <summary>Starts one more node with an empty datadir; it joins by a full state transfer (SST) from a running node. Returns once it is Synced.</summary>
    public Task<ScratchServer> JoinAsync()
    {
        if (_nodes.Count == 0)
        {
            throw new InvalidOperationException("bootstrap the cluster first");
        }

        var datadir = Path.Combine(directory, $"node{_nodes.Count + 1}", "data");
        Directory.CreateDirectory(datadir);
        return StartNodeAsync(datadir);
    }

    /// <summary>A global status value of <paramref name="node"/>, e.g. <c>wsrep_cluster_state_uuid</c>.</summary>
    public static async Task<string?> StatusAsync(ScratchServer node, string name)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(node.Port);
        await using var command = new MySqlCommand("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME=@name", connection);
        command.Parameters.AddWithValue("@name", name);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Joiners first: a donor killed under a running SST leaves its joiner waiting.
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync();
        }

        _nodes.Clear();
    }

    private async Task<ScratchServer> StartNodeAsync(string datadir, params string[] extraArguments)
    {
        var name = $"node{_nodes.Count + 1}";
        var run = Directory.CreateDirectory(Path.Combine(directory, name)).FullName;
        Directory.CreateDirectory(Path.Combine(run, "tmp"));
        var ports = ScratchPorts.Take(4); // SQL, gmcast, IST, SST
        var peers = string.Join(",", _peerPorts.Append(ports[1]).Select(p => $"127.0.0.1:{p}"));
        var options = Path.Combine(run, "my.cnf");
        await File.WriteAllTextAsync(options, "");
        File.SetUnixFileMode(options, UnixFileMode.UserRead | UnixFileMode.UserWrite); // it holds the SST password
        await File.WriteAllTextAsync(options, $"""
            [mysqld]
            datadir={datadir}
            tmpdir={Path.Combine(run, "tmp")}
            socket={Path.Combine(run, "mysqld.sock")}
            pid-file={Path.Combine(run, "mysqld.pid")}
            log-error={Path.Combine(run, "error.log")}
            port={ports[0]}
            bind-address=127.0.0.1
            innodb_buffer_pool_size=32M
            innodb_autoinc_lock_mode=2
            binlog_format=ROW
            wsrep_on=ON
            wsrep_provider=/usr/lib/galera/libgalera_smm.so
            wsrep_cluster_name=scratch
            wsrep_cluster_address=gcomm://{peers}
            wsrep_node_name={name}
            wsrep_node_address=127.0.0.1
            wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:{ports[1]};ist.recv_addr=127.0.0.1:{ports[2]};gcache.size=16M"
            wsrep_sst_receive_address=127.0.0.1:{ports[3]}
            wsrep_sst_method=mariabackup
            wsrep_sst_auth={SstUser}:{_sstPassword}

            [sst]
            sst-log-archive-dir={Path.Combine(run, "sst-logs")}

            """);
        // The option file (first argument, or mariadbd refuses it) is what the SST script reads too.
        var node = await ScratchServer.LaunchAsync([$"--defaults-file={options}", "--user=root", .. extraArguments], ports, Path.Combine(run, "error.log"));
        _nodes.Add(node);
        _peerPorts.Add(ports[1]);
        await WaitUntilSyncedAsync(node);
        return node;
    }

    private static async Task WaitUntilSyncedAsync(ScratchServer node)
    {
        var deadline = Stopwatch.StartNew();
        string? state;
        while ((state = await StateAsync(node)) != "Synced")
        {
            if (deadline.Elapsed > SyncDeadline || node.HasExited)
            {
                throw new InvalidOperationException($"scratch Galera node on port {node.Port} is not Synced after {deadline.Elapsed.TotalSeconds:F0} s (state '{state}'):\n{node.ReadErrorLog()}");
            }

            await Task.Delay(100);
        }
    }

    // A node that has accepted connections but is still joining refuses statements ("WSREP has not yet prepared node
    // for application use", even the pool's connection reset): that is a state to wait out, not a failure.
    private static async Task<string?> StateAsync(ScratchServer node)
    {
        try
        {
            return await StatusAsync(node, "wsrep_local_state_comment");
        }
        catch (InvalidOperationException ex) when (ex.InnerException is MySqlException refused)
        {
            return $"refusing: {refused.Message}";
        }
    }
}
