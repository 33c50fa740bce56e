using System.Diagnostics;
using System.Globalization;
using FluentAssertions;
using MySqlConnector;

namespace Backup.Testing;

/// <summary>A mariadbd of the test's own on a datadir it was given (a restored one) and scratch ports; killed and waited for on dispose.</summary>
/// <remarks>
/// The datadir comes from a backup of a test server, so root logs in with the test password. Dispose kills the whole
/// process tree: a Galera node runs its state-transfer script, socat and mariadb-backup as children, and a left-over
/// one would hold the node's ports and files after the test.
/// </remarks>
public sealed class ScratchMariaDb : IAsyncDisposable
{
    // A Galera joiner opens its SQL port only after its state transfer (~12 s with mariadb-backup here).
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);
    private readonly Process _process;
    private readonly IReadOnlyList<int> _ports;

    private ScratchMariaDb(Process process, IReadOnlyList<int> ports, string errorLog) => (_process, _ports, ErrorLog) = (process, ports, errorLog);

    /// <summary>The SQL port on 127.0.0.1.</summary>
    public int Port => _ports[0];

    /// <summary>The server's error log.</summary>
    public string ErrorLog { get; }

    /// <summary>Whether the server process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a standalone server on <paramref name="datadir"/> (socket, pid file and error log beside it); returns once root logs in over TCP.</summary>
    public static Task<ScratchMariaDb> StartAsync(string datadir)
    {
        var ports = ScratchPorts.Take(1);
        var run = Path.GetDirectoryName(datadir)!;
        return LaunchAsync(
            [
                "--no-defaults", $"--datadir={datadir}", "--user=root", "--bind-address=127.0.0.1", $"--port={ports[0]}",
                $"--socket={Path.Combine(run, "mysqld.sock")}", $"--pid-file={Path.Combine(run, "mysqld.pid")}",
                $"--log-error={Path.Combine(run, "error.log")}", "--innodb-buffer-pool-size=32M", "--skip-log-bin",
            ],
            ports,
            Path.Combine(run, "error.log"));
    }

    /// <summary>Starts mariadbd with <paramref name="arguments"/>, which make it listen on <paramref name="ports"/>[0] and log to <paramref name="errorLog"/>; returns once root logs in over TCP.</summary>
    /// <remarks><paramref name="ports"/> (from <see cref="ScratchPorts"/>) belong to the server from now on and are released when it is disposed.</remarks>
    public static async Task<ScratchMariaDb> LaunchAsync(IReadOnlyList<string> arguments, IReadOnlyList<int> ports, string errorLog)
    {
        var start = new ProcessStartInfo(File.Exists("/usr/sbin/mariadbd") ? "/usr/sbin/mariadbd" : "mariadbd");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var server = new ScratchMariaDb(Process.Start(start)!, ports, errorLog);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // TestServers wraps the connector's refusal in an InvalidOperationException.
                await using var connection = await TestServers.OpenMariaDbAsync(server.Port);
                return server;
            }
            catch (InvalidOperationException) when (deadline.Elapsed < StartDeadline && !server.HasExited)
            {
                await Task.Delay(200);
            }
            catch (InvalidOperationException ex)
            {
                var log = server.ReadErrorLog();
                await server.DisposeAsync();
                throw new InvalidOperationException($"mariadbd did not serve within {StartDeadline.TotalSeconds} s: {ex.Message}\n{log}", ex);
            }
        }
    }

    /// <summary>The error log's text (empty when there is none yet).</summary>
    public string ReadErrorLog() => File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog) : "";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        ScratchPorts.Release(_ports);
    }

    /// <summary><c>CHECKSUM TABLE ... EXTENDED</c> of <paramref name="table"/> on the server at <paramref name="port"/>.</summary>
    public static async Task<string> ChecksumAsync(int port, string table)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand($"CHECKSUM TABLE {table} EXTENDED", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        return reader.IsDBNull(1) ? "missing" : Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture)!;
    }
}
