using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Backup.Testing;
using MySqlConnector;

namespace Backup.EndToEnd.Tests;

/// <summary>A mariadbd started on a restored datadir, stopped (and waited for) on dispose.</summary>
internal sealed class ScratchServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private ScratchServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts a fresh server: an empty datadir made by <c>mariadb-install-db</c> in <paramref name="directory"/>, root with the test password.</summary>
    public static async Task<ScratchServer> StartEmptyAsync(string directory)
    {
        var datadir = Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
        var install = new ProcessStartInfo("mariadb-install-db") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--no-defaults", $"--datadir={datadir}", "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db" })
        {
            install.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(install)!)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.Should().Be(0, $"mariadb-install-db failed: {await output} {errors}");
        }

        // The test password (not a real secret) through --init-file, read before the first connection is accepted.
        var password = TestServers.MariaDbPassword.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        var init = Path.Combine(directory, "init.sql");
        await File.WriteAllTextAsync(init, string.Concat(new[] { "localhost", "127.0.0.1", "::1" }.Select(host => $"ALTER USER 'root'@'{host}' IDENTIFIED BY '{password}';\n")));
        return await StartAsync(datadir, $"--init-file={init}");
    }

    public static async Task<ScratchServer> StartAsync(string datadir, params string[] extraArguments)
    {
        var port = FreePort();
        var run = Path.GetDirectoryName(datadir)!;
        var start = new ProcessStartInfo("mariadbd");
        foreach (var argument in new List<string>
        {
            "--no-defaults", $"--datadir={datadir}", "--user=root", "--bind-address=127.0.0.1", $"--port={port}",
            $"--socket={Path.Combine(run, "mysqld.sock")}", $"--pid-file={Path.Combine(run, "mysqld.pid")}",
            $"--log-error={Path.Combine(run, "error.log")}", "--innodb-buffer-pool-size=32M", "--skip-log-bin",
        }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var server = new ScratchServer(Process.Start(start)!, port);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // TestServers wraps the connector's refusal in an InvalidOperationException.
                await using var connection = await TestServers.OpenMariaDbAsync(port);
                return server;
            }
            catch (InvalidOperationException) when (deadline.Elapsed < StartDeadline && !server._process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (InvalidOperationException ex)
            {
                var log = File.Exists(Path.Combine(run, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(run, "error.log")) : "";
                await server.DisposeAsync();
                throw new InvalidOperationException($"mariadbd on the restored datadir did not serve within {StartDeadline.TotalSeconds} s: {ex.Message}\n{log}", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    // The physical specs' own ports for scratch servers (each start takes the first free one).
    private const int FirstScratchPort = 19200;
    private const int LastScratchPort = 19219;

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
