using System.Globalization;
using Backup.Abstractions;
using Backup.MariaDb;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>Replays verified binlog files into a restored server: <c>mariadb-binlog</c> decodes each into SQL in the work directory, the sandboxed <see cref="MariaDbClient"/> loads it.</summary>
/// <remarks>
/// The GTID filters do the bookkeeping: <c>--start-position=GTID</c> skips the transactions the backup or an earlier
/// file (from another node, after a fail-over) already holds, <c>--stop-position=GTID</c> stops after the target.
/// <c>--stop-datetime</c> stops at the first event at or after its (whole-second, local-time) argument, hence TZ=UTC
/// and one second after the target: every transaction logged in the target's second is replayed. The decoded SQL
/// goes through a file, not a pipe, so a failing decoder is never mistaken for a short but successful load.
/// </remarks>
internal sealed class BinlogReplayer(string binlogCommand, MariaDbClient client, IEnumerable<string> secretVariables, ILogger logger)
{
    /// <summary>Replays every segment of <paramref name="replay"/> in order.</summary>
    public async Task ReplayAsync(LogReplay replay, CancellationToken cancellationToken)
    {
        for (var i = 0; i < replay.Segments.Count; i++)
        {
            var segment = replay.Segments[i];
            var sql = Path.Combine(replay.WorkDirectory, $"replay-{i}.sql");
            try
            {
                await DecodeAsync(segment, replay, sql, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Replaying {File} into {Server}", Path.GetFileName(segment.Path), client.Server);
                await using var stream = File.OpenRead(sql);
                await client.LoadAsync(stream, $"binlog {Path.GetFileName(segment.Path)}", cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(sql);
            }
        }
    }

    private async Task DecodeAsync(LogReplaySegment segment, LogReplay replay, string sql, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "--no-defaults" };
        if (segment.StartAfter is { } start)
        {
            arguments.Add($"--start-position={start.Text}");
        }

        if (replay.StopAt is { } stop)
        {
            arguments.Add($"--stop-position={stop.Text}");
        }

        if (replay.StopTime is { } time)
        {
            var next = DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds() + 1).UtcDateTime;
            arguments.Add($"--stop-datetime={next.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
        }

        arguments.Add($"--result-file={sql}");
        arguments.Add(segment.Path);
        var command = ClientLogin.WithoutLogin(binlogCommand, arguments, secretVariables, new Dictionary<string, string> { ["TZ"] = "UTC" });
        int exitCode;
        string stderr;
        try
        {
            (exitCode, stderr) = await ClientProcess.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientNotStartedException ex)
        {
            throw new BackupRestoreException($"cannot start '{binlogCommand}' (install mariadb-client): {ex.Message}", ex);
        }

        if (exitCode != 0)
        {
            throw new BackupRestoreException($"{Path.GetFileName(binlogCommand)} could not decode {Path.GetFileName(segment.Path)} (exit code {exitCode}): {stderr}");
        }
    }
}
