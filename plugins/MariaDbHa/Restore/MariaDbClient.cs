using Backup.Abstractions;
using Backup.MariaDb;
using CliWrap;

namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>Runs the <c>mariadb</c> client against one server, the password coming from the login's option file (never argv), and checks its exit code.</summary>
internal sealed class MariaDbClient(ClientLogin login, string host, int port, string user, string command = MariaDbClient.DefaultCommand)
{
    /// <summary>The client found on PATH, as in the image beside mariadb-dump.</summary>
    public const string DefaultCommand = "mariadb";

    /// <summary>Options that let the client send SQL to the server and do nothing else, on every run.</summary>
    /// <remarks>
    /// A backup is input from whoever can write to the bucket: its .sha1 and manifest prove consistency, not origin.
    /// Fed to a plain client, a dump line <c>\! cmd</c> or <c>system cmd</c> runs cmd as this process,
    /// <c>connect db other-host</c> logs in to another server with this login, and <c>LOAD DATA LOCAL INFILE</c>
    /// sends it any file this process can read (the service account token, the option file under /proc).
    /// <c>--sandbox</c> refuses the commands that touch the file system (<c>\!</c>, system, source, tee) but not
    /// connect; <c>--binary-mode</c> stops the parsing of every client command except DELIMITER and <c>\C</c>, so
    /// such lines reach the server as SQL and fail there; <c>--local-infile=0</c> refuses LOAD DATA LOCAL. A client
    /// older than 10.5.8 does not know <c>--sandbox</c> and exits 7: the restore fails rather than run unsandboxed.
    /// </remarks>
    public static readonly IReadOnlyList<string> SqlOnlyArguments = ["--sandbox", "--binary-mode", "--local-infile=0"];

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
        var cli = login.Wrap(command, [.. SqlOnlyArguments, $"--host={host}", $"--port={port}", $"--user={user}", .. extra])
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
