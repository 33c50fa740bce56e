using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;
using MySqlConnector;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// A mariadbd of the test's own, killed (and waited for) on dispose: on a restored data directory (a physical
/// restore's proof that the server starts on it), or freshly installed as a drill's scratch target. The shared restore
/// server cannot serve either: drills refuse any server holding data, and it holds what other tests restored.
/// </summary>
internal sealed class ScratchServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    // The specs' own ports for scratch servers (each start takes the first free one), outside the ephemeral range.
    private const int FirstScratchPort = 19200;
    private const int LastScratchPort = 19219;

    private readonly Process _process;
    private readonly string _errorLog;
    private readonly TempDir? _owned;

    private ScratchServer(Process process, int port, string errorLog, TempDir? owned) =>
        (_process, Port, _errorLog, _owned) = (process, port, errorLog, owned);

    /// <summary>The server's TCP port on <see cref="TestServers.MariaDbHost"/>.</summary>
    public int Port { get; }

    /// <summary>Starts a server on <paramref name="datadir"/> (its files beside it); returns once root logs in over TCP with the test password.</summary>
    public static async Task<ScratchServer> StartAsync(string datadir)
    {
        var run = Path.GetDirectoryName(datadir)!;
        return await ServingAsync(Start(run, datadir, ["--innodb-buffer-pool-size=32M", "--skip-log-bin"], owned: null), server => server.WaitAsync(async () =>
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
    }

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
        var tuning = new[] { "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M", "--innodb-flush-log-at-trx-commit=2", "--max-allowed-packet=64M" };
        return await ServingAsync(Start(dir.Path, data, tuning, dir), async server =>
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _owned?.Dispose();
    }

    private static string[] RootUser => Environment.UserName == "root" ? ["--user=root"] : [];

    private static ScratchServer Start(string run, string datadir, string[] tuning, TempDir? owned)
    {
        var port = FreePort();
        var errorLog = Path.Combine(run, "error.log");
        var start = new ProcessStartInfo(Tool("mariadbd")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[
                "--no-defaults", $"--datadir={datadir}", $"--bind-address={TestServers.MariaDbHost}", $"--port={port}",
                $"--socket={Path.Combine(run, "mysqld.sock")}", $"--pid-file={Path.Combine(run, "mysqld.pid")}", $"--log-error={errorLog}",
                $"--tmpdir={Path.GetTempPath()}", .. tuning, .. RootUser])
        {
            start.ArgumentList.Add(argument);
        }

        return new ScratchServer(Process.Start(start)!, port, errorLog, owned);
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
            _process.HasExited.Should().BeFalse($"mariadbd exited during start: {ReadLog()}");
            deadline.Elapsed.Should().BeLessThan(StartDeadline, $"mariadbd did not serve: {ReadLog()}");
            await Task.Delay(100);
        }
    }

    private string ReadLog() => File.Exists(_errorLog) ? File.ReadAllText(_errorLog) : "(no error log)";

    private static Task<BufferedCommandResult> Client(string socket, params string[] arguments) =>
        Cli.Wrap("mariadb").WithArguments(["--no-defaults", $"--socket={socket}", "-uroot", .. arguments])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    private static int FreePort()
    {
        for (var port = FirstScratchPort; port <= LastScratchPort; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException($"no free port in {FirstScratchPort}-{LastScratchPort} for a scratch mariadbd");
    }

    // mariadbd lives in /usr/sbin, not on a normal user's PATH on Debian.
    private static string Tool(string name) =>
        new[] { "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? name;
}
