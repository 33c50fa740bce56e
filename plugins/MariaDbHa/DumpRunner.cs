using Backup.Abstractions;
using Backup.MariaDb;
using Backup.MariaDb.Nodes;
using Backup.Plugins.MariaDbHa.Inventory;
using CliWrap;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Runs mariadb-dump into a stream and checks the result instead of trusting it: exit code, stderr, the completion trailer and that it loads as a whole.</summary>
internal sealed class DumpRunner(string dumpCommand, ClientLogin login)
{
    private string DumpName => Path.GetFileName(dumpCommand);

    /// <summary>Dumps <paramref name="node"/> with <paramref name="arguments"/> (after the login's option file) into <paramref name="output"/>.</summary>
    /// <param name="node">The node to dump.</param>
    /// <param name="arguments">mariadb-dump's arguments.</param>
    /// <param name="output">Where the dump goes.</param>
    /// <param name="inventory">Reads the dump's inventory as it streams past, or null.</param>
    /// <param name="cancellationToken">Cancels the dump.</param>
    /// <returns>The tap that saw the bytes, for their count and the dump's header.</returns>
    /// <exception cref="NodeDumpException">The dump failed or was cut off; another node may do better.</exception>
    /// <exception cref="BackupSourceException">The dump command cannot be started; no node will do better.</exception>
    public async Task<DumpStreamTap> RunAsync(NodeCandidate node, IReadOnlyList<string> arguments, Stream output, DumpInventory? inventory, CancellationToken cancellationToken)
    {
        var tap = new DumpStreamTap(output, inventory);
        var command = login.Wrap(dumpCommand, arguments)
            .WithStandardOutputPipe(BlockingPipeReader.To(tap));

        int exitCode;
        string stderr;
        try
        {
            (exitCode, stderr) = await ClientProcess.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientNotStartedException ex)
        {
            throw new BackupSourceException($"cannot start the dump command '{dumpCommand}': {ex.Message}", ex);
        }

        if (exitCode != 0)
        {
            throw new NodeDumpException($"{DumpName} from {node.Address} failed with exit code {exitCode}: {stderr}") { Retryable = TransientDumpErrors.AreIn(stderr) };
        }

        // Peers have shipped "success" on a dump that hit error 2013 half-way: only the trailer proves the end.
        if (!DumpHeader.IsComplete(tap.Tail))
        {
            throw new NodeDumpException($"dump from {node.Address} is truncated (no '-- Dump completed' trailer)");
        }

        // A database created while the dump ran: the next attempt lists it from the start, with its CREATE DATABASE.
        if (inventory?.UncreatedSchema is { } schema)
        {
            throw new NodeDumpException($"dump from {node.Address} selects database '{schema}' without creating it (it was created while {DumpName} ran), so it would not load")
            {
                Retryable = true,
            };
        }

        return tap;
    }
}
