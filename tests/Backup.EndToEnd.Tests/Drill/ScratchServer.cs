using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests.Drill;

/// <summary>
/// A fresh MariaDB server of the test's own, as a drill's scratch target is: mariadb-install-db as Debian runs it (so
/// with the empty <c>test</c> schema), root secured with the test password, stopped and deleted on dispose. The shared
/// restore server cannot serve: drills refuse any server holding data, and it holds what other tests restored.
/// </summary>
public sealed class ScratchServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly TempDir _dir;
    private readonly Process _process;

    private ScratchServer(TempDir dir, Process process, int port) => (_dir, _process, Port) = (dir, process, port);

    /// <summary>The server's TCP port on <see cref="TestServers.MariaDbHost"/>.</summary>
    public int Port { get; }

    /// <summary>Installs, starts and secures a server; returns once root can log in over TCP.</summary>
    public static async Task<ScratchServer> StartAsync()
    {
        var dir = new TempDir("backup-scratch-");
        var data = Directory.CreateDirectory(dir.Combine("data")).FullName;
        var tmp = Directory.CreateDirectory(dir.Combine("tmp")).FullName;
        var socket = dir.Combine("mysqld.sock");
        string[] user = Environment.UserName == "root" ? ["--user=root"] : [];
        var install = await Cli.Wrap(Tool("mariadb-install-db"))
            .WithArguments(["--no-defaults", $"--datadir={data}", .. user, "--auth-root-authentication-method=normal", $"--tmpdir={tmp}"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        install.ExitCode.Should().Be(0, install.StandardError);

        var port = FreePort();
        var start = new ProcessStartInfo(Tool("mariadbd")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[
                "--no-defaults", $"--datadir={data}", $"--port={port}", $"--bind-address={TestServers.MariaDbHost}", $"--socket={socket}",
                $"--tmpdir={tmp}", $"--log-error={dir.Combine("error.log")}", $"--pid-file={dir.Combine("mysqld.pid")}",
                "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M", "--innodb-flush-log-at-trx-commit=2", "--max-allowed-packet=64M",
                .. user])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var server = new ScratchServer(dir, process, port);
        try
        {
            await server.SecureAsync(socket);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }

    // The fresh server's root has no password and answers on the socket once ready; wait for that with a deadline.
    private async Task SecureAsync(string socket)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            _process.HasExited.Should().BeFalse($"mariadbd exited during start: {ReadLog()}");
            var ping = await Cli.Wrap("mariadb").WithArguments(["--no-defaults", $"--socket={socket}", "-uroot", "-N", "-e", "SELECT 1"])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            if (ping.ExitCode == 0)
            {
                break;
            }

            deadline.Elapsed.Should().BeLessThan(StartDeadline, $"mariadbd did not answer: {ReadLog()}");
            await Task.Delay(100);
        }

        var password = TestServers.MariaDbPassword.Replace("'", "''", StringComparison.Ordinal);
        var secure = await Cli.Wrap("mariadb").WithArguments(["--no-defaults", $"--socket={socket}", "-uroot", "-e",
                $"DELETE FROM mysql.global_priv WHERE user = '' OR (user = 'root' AND host NOT IN ('localhost', '127.0.0.1', '::1')); FLUSH PRIVILEGES; " +
                $"ALTER USER 'root'@'localhost' IDENTIFIED BY '{password}'; ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '{password}'; ALTER USER 'root'@'::1' IDENTIFIED BY '{password}';"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        secure.ExitCode.Should().Be(0, secure.StandardError);
    }

    private string ReadLog() => File.Exists(_dir.Combine("error.log")) ? File.ReadAllText(_dir.Combine("error.log")) : "(no error log)";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // mariadbd lives in /usr/sbin, not on a normal user's PATH on Debian.
    private static string Tool(string name) =>
        new[] { "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? name;
}
