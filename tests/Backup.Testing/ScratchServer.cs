using System.Diagnostics;
using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using FluentAssertions;
using MySqlConnector;

namespace Backup.Testing;

/// <summary>
/// A mariadbd of the test's own on scratch ports (<see cref="ScratchPorts"/>), killed (and waited for) on dispose: on a
/// restored data directory (a physical restore's proof that the server starts on it), freshly installed as a drill's
/// scratch target, or started with any options (a scratch Galera node, <see cref="ScratchGaleraCluster"/>). The shared
/// restore server cannot serve: drills refuse any server holding data, and it holds what other tests restored.
/// </summary>
/// <remarks>
/// Dispose kills the whole process tree: a Galera node runs its state-transfer script, socat and mariadb-backup as
/// children, and a left-over one would hold the node's ports and files after the test.
/// </remarks>
public sealed class ScratchServer : IAsyncDisposable
{
    // A Galera joiner opens its SQL port only after its state transfer (~12 s with mariadb-backup here).
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly IReadOnlyList<int> _ports;
    private readonly TempDir? _owned;

    private ScratchServer(Process process, IReadOnlyList<int> ports, string errorLog, TempDir? owned) =>
        (_process, _ports, ErrorLog, _owned) = (process, ports, errorLog, owned);

    /// <summary>The server's TCP port on <see cref="TestServers.MariaDbHost"/>.</summary>
    public int Port => _ports[0];

    /// <summary>The server's error log.</summary>
    public string ErrorLog { get; }

    /// <summary>Whether the server process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a server on <paramref name="datadir"/> (its files beside it); returns once root logs in over TCP with the test password.</summary>
    public static Task<ScratchServer> StartAsync(string datadir)
    {
        var run = Path.GetDirectoryName(datadir)!;
        var ports = ScratchPorts.Take(1);
        return LaunchAsync([.. Standalone(run, datadir, ports[0]), "--innodb-buffer-pool-size=32M", "--skip-log-bin"], ports, Path.Combine(run, "error.log"));
    }

    /// <summary>Starts mariadbd with <paramref name="arguments"/>, which make it listen on <paramref name="ports"/>[0] and log to <paramref name="errorLog"/>; returns once root logs in over TCP with the test password.</summary>
    /// <remarks><paramref name="ports"/> (from <see cref="ScratchPorts"/>) belong to the server from now on and are released when it is disposed.</remarks>
    public static Task<ScratchServer> LaunchAsync(IReadOnlyList<string> arguments, IReadOnlyList<int> ports, string errorLog) =>
        ServingAsync(Start(arguments, ports, errorLog, owned: null), server => server.WaitAsync(async () =>
        {
            try
            {
                // TestServers wraps the connector's refusal in an InvalidOperationException.
                await using var connection = await TestServers.OpenMariaDbAsync(server.Port);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }));

    /// <summary>Installs (mariadb-install-db as Debian runs it, so with the empty <c>test</c> schema), starts and secures a server with the test password; deleted on dispose.</summary>
    public static async Task<ScratchServer> StartFreshAsync()
    {
        var dir = new TempDir("backup-scratch-");
        var data = Directory.CreateDirectory(dir.Combine("data")).FullName;
        var install = await Cli.Wrap(Tool("mariadb-install-db"))
            .WithArguments(["--no-defaults", $"--datadir={data}", .. RootUser, "--auth-root-authentication-method=normal", $"--tmpdir={Path.GetTempPath()}"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        install.ExitCode.Should().Be(0, install.StandardError);

        var socket = dir.Combine("mysqld.sock");
        var ports = ScratchPorts.Take(1);
        string[] arguments =
        [
            .. Standalone(dir.Path, data, ports[0]),
            "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M", "--innodb-flush-log-at-trx-commit=2", "--max-allowed-packet=64M",
        ];
        return await ServingAsync(Start(arguments, ports, dir.Combine("error.log"), dir), async server =>
        {
            // The fresh server's root has no password and answers on the socket once ready.
            await server.WaitAsync(async () => (await Client(socket, "-N", "-e", "SELECT 1")).ExitCode == 0);
            var password = TestServers.MariaDbPassword.Replace("'", "''", StringComparison.Ordinal);
            var secure = await Client(socket, "-e",
                $"DELETE FROM mysql.global_priv WHERE user = '' OR (user = 'root' AND host NOT IN ('localhost', '127.0.0.1', '::1')); FLUSH PRIVILEGES; " +
                $"ALTER USER 'root'@'localhost' IDENTIFIED BY '{password}'; ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '{password}'; ALTER USER 'root'@'::1' IDENTIFIED BY '{password}';");
            secure.ExitCode.Should().Be(0, secure.StandardError);
        });
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
        _owned?.Dispose();
        ScratchPorts.Release(_ports);
    }

    private static string[] RootUser => Environment.UserName == "root" ? ["--user=root"] : [];

    private static string[] Standalone(string run, string datadir, int port) =>
    [
        "--no-defaults", $"--datadir={datadir}", $"--bind-address={TestServers.MariaDbHost}", $"--port={port}",
        $"--socket={Path.Combine(run, "mysqld.sock")}", $"--pid-file={Path.Combine(run, "mysqld.pid")}", $"--log-error={Path.Combine(run, "error.log")}",
        $"--tmpdir={Path.GetTempPath()}", .. RootUser,
    ];

    private static ScratchServer Start(IReadOnlyList<string> arguments, IReadOnlyList<int> ports, string errorLog, TempDir? owned)
    {
        var start = new ProcessStartInfo(Tool("mariadbd")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new ScratchServer(Process.Start(start)!, ports, errorLog, owned);
    }

    // A server that fails to come up is stopped (and its owned directory deleted) before the failure propagates.
    private static async Task<ScratchServer> ServingAsync(ScratchServer server, Func<ScratchServer, Task> prepare)
    {
        try
        {
            await prepare(server);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    // Polls until the server serves, with a deadline; a server that exits or never serves fails with its error log.
    private async Task WaitAsync(Func<Task<bool>> ready)
    {
        var deadline = Stopwatch.StartNew();
        while (!await ready())
        {
            _process.HasExited.Should().BeFalse($"mariadbd exited during start: {ReadErrorLog()}");
            deadline.Elapsed.Should().BeLessThan(StartDeadline, $"mariadbd did not serve: {ReadErrorLog()}");
            await Task.Delay(100);
        }
    }

    private static Task<BufferedCommandResult> Client(string socket, params string[] arguments) =>
        Cli.Wrap("mariadb").WithArguments(["--no-defaults", $"--socket={socket}", "-uroot", .. arguments])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    // mariadbd lives in /usr/sbin, not on a normal user's PATH on Debian.
    private static string Tool(string name) =>
        new[] { "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? name;
}
