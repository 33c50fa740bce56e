using Backup.Abstractions;
using CliWrap;

namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>Runs the <c>mariadb</c> client against one server, the password coming from the login's option file (never argv), and checks its exit code.</summary>
internal sealed class MariaDbClient(ClientLogin login, string host, int port, string user, string command = MariaDbClient.DefaultCommand)
{
    /// <summary>The client found on PATH, as in the image beside mariadb-dump.</summary>
    public const string DefaultCommand = "mariadb";

    /// <summary>The server, for messages.</summary>
    public string Server => $"{host}:{port}";

    /// <summary>Runs <paramref name="sql"/> and returns the result rows, tab-separated, without column names.</summary>
    public async Task<IReadOnlyList<string>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        await RunAsync(
            ["--batch", "--skip-column-names", $"--execute={sql}"],
            PipeSource.Null,
            PipeTarget.ToDelegate(rows.Add),
            $"query on {Server}",
            cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Feeds <paramref name="sql"/> (a dump) to the client; fails on the first statement the server rejects.</summary>
    public Task LoadAsync(Stream sql, string what, CancellationToken cancellationToken) =>
        RunAsync([], PipeSource.FromStream(sql), PipeTarget.Null, $"loading {what} into {Server}", cancellationToken);

    private async Task RunAsync(IReadOnlyList<string> extra, PipeSource input, PipeTarget output, string what, CancellationToken cancellationToken)
    {
        var cli = login.Wrap(command, [$"--host={host}", $"--port={port}", $"--user={user}", .. extra])
            .WithStandardInputPipe(input)
            .WithStandardOutputPipe(output);

        int exitCode;
        string stderr;
        try
        {
            (exitCode, stderr) = await ClientProcess.RunAsync(cli, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientNotStartedException ex)
        {
            throw new BackupRestoreException($"cannot start the client '{command}' (install mariadb-client): {ex.Message}", ex);
        }

        if (exitCode != 0)
        {
            throw new BackupRestoreException($"{what} failed: {Path.GetFileName(command)} exited with code {exitCode}: {stderr}");
        }
    }
}
