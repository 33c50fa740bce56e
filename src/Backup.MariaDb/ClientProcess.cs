using System.ComponentModel;
using CliWrap;

namespace Backup.MariaDb;

/// <summary>Runs a MariaDB client program (mariadb-dump, mariadb) with a bounded stderr capture and reports how it ended, for the caller to judge.</summary>
internal static class ClientProcess
{
    /// <summary>Runs <paramref name="command"/> (its stderr pipe is replaced) and returns the exit code and a one-line stderr summary.</summary>
    /// <exception cref="ClientNotStartedException">The program could not be started (e.g. not installed).</exception>
    public static async Task<(int ExitCode, string Stderr)> RunAsync(Command command, CancellationToken cancellationToken)
    {
        var stderr = new BoundedCapture();
        try
        {
            var result = await command
                .WithStandardErrorPipe(stderr.Target)
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(cancellationToken)
                .ConfigureAwait(false);
            return (result.ExitCode, stderr.Summary());
        }
        catch (Exception ex) when (ex is Win32Exception || ex.InnerException is Win32Exception)
        {
            throw new ClientNotStartedException(ex.Message.ReplaceLineEndings(" "), ex);
        }
    }
}

