using Backup.MariaDb;
using CliWrap;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>The one-line stderr summary of a failed client: the reason must survive however much the client said first.</summary>
public sealed class ClientProcessSpecs
{
    // mariadb-backup logs a line per step and per file, then says why it stopped in its last line.
    [Fact]
    public async Task A_chatty_client_that_fails_at_the_end_is_summarised_by_its_last_line()
    {
        var script = "for i in $(seq 1 2000); do echo \"[00] 2026-11-30 04:00:00 Copying ./db/t$i.ibd to <STDOUT>\" >&2; done; " +
            "echo '[00] 2026-11-30 04:00:01 xtrabackup: Stopped: no space left on the stream' >&2; exit 1";

        var (exitCode, stderr) = await ClientProcess.RunAsync(Cli.Wrap("bash").WithArguments(["-c", script]), CancellationToken.None);

        exitCode.Should().Be(1);
        stderr.Should().StartWith("[00] 2026-11-30 04:00:01 xtrabackup: Stopped: no space left on the stream").And.NotContain("/t1.ibd");
    }

    [Fact]
    public async Task An_error_line_comes_first_wherever_it_is_and_a_statement_does_not_push_it_out()
    {
        var script = "echo '--------------' >&2; printf 'INSERT INTO t VALUES %.0s(1),' $(seq 1 5000) >&2; echo >&2; echo '--------------' >&2; " +
            "echo 'ERROR 1049 (42000) at line 7: Unknown database '\\''late'\\''' >&2; exit 1";

        var (_, stderr) = await ClientProcess.RunAsync(Cli.Wrap("bash").WithArguments(["-c", script]), CancellationToken.None);

        stderr.Should().StartWith("ERROR 1049 (42000) at line 7: Unknown database 'late' | ");
    }

    [Fact]
    public async Task A_short_error_is_kept_whole()
    {
        var (_, stderr) = await ClientProcess.RunAsync(
            Cli.Wrap("bash").WithArguments(["-c", "echo \"mariadb-dump: Got error: 1045: Access denied for user 'bk'@'localhost'\" >&2; exit 2"]),
            CancellationToken.None);

        stderr.Should().Be("mariadb-dump: Got error: 1045: Access denied for user 'bk'@'localhost'");
    }
}
