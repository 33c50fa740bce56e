using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class DumpCommandSpecs : IDisposable
{
    private readonly TempDir _shims = new();
    private readonly SourceRun _run = new();

    public void Dispose()
    {
        _run.Dispose();
        _shims.Dispose();
    }

    private Dictionary<string, object> Settings(string dumpCommand, string? passwordFile = null, params (string Key, object Value)[] extra) =>
        SourceRun.ServerSettings(
            passwordFile is null ? SourceRun.EnvPassword(TestServers.MariaDbPasswordVariable) : SourceRun.FilePassword(passwordFile),
            [("dumpCommand", dumpCommand), .. extra]);

    private async Task<BackupSourceException> FailsWithSourceError(Dictionary<string, object> settings)
    {
        var act = () => _run.RunAsync(settings);
        var error = (await act.Should().ThrowAsync<BackupSourceException>()).Which;
        error.Message.Should().NotContain("\n");
        _run.Writer.Entries.Should().BeEmpty("a failed dump's entry is discarded");
        Directory.GetFiles(_run.WorkDirectory).Should().BeEmpty("the option file is deleted also on failure");
        return error;
    }

    [Fact]
    public async Task The_password_never_appears_in_mariadb_dumps_arguments()
    {
        // A shim named mariadb-dump records its argv, then runs the real one.
        var shim = _shims.WriteScript("mariadb-dump", $$"""
            printf '%s\n' "$@" > '{{_shims.Combine("argv.txt")}}'
            exec '{{TestServers.MariaDbDumpPath}}' "$@"
            """);

        await _run.RunAsync(Settings(shim, extra: ("extraArgs", new[] { "--skip-dump-date" })));

        var argv = File.ReadAllLines(_shims.Combine("argv.txt"));
        argv[0].Should().StartWith("--defaults-extra-file=");
        argv.Skip(1).Should().Equal(
            $"--host={TestServers.MariaDbHost}",
            $"--port={TestServers.MariaDbPort}",
            "--user=root",
            "--max-allowed-packet=1G",
            "--single-transaction",
            "--events",
            "--routines",
            "--all-databases",
            "--skip-add-locks",
            "--ignore-table=mysql.global_priv",
            "--skip-dump-date");
        argv.Should().NotContain(a => a.Contains(TestServers.MariaDbPassword));
        _run.DumpText.TrimEnd().Should().EndWith("-- Dump completed");
    }

    [Fact]
    public async Task The_option_file_exists_only_in_memory_while_mariadb_dump_runs()
    {
        // The shim looks while the dump runs: a file in the work directory would survive a SIGKILL of the run.
        var shim = _shims.WriteScript("mariadb-dump", $$"""
            options="${1#--defaults-extra-file=}"
            printf '%s\n' "$options" > '{{_shims.Combine("path.txt")}}'
            readlink "$options" > '{{_shims.Combine("target.txt")}}'
            stat -L -c '%a' "$options" > '{{_shims.Combine("mode.txt")}}'
            ls -A '{{_run.WorkDirectory}}' > '{{_shims.Combine("workdir.txt")}}'
            exec '{{TestServers.MariaDbDumpPath}}' "$@"
            """);

        await _run.RunAsync(Settings(shim));

        File.ReadAllText(_shims.Combine("path.txt")).Trim().Should().MatchRegex($@"^/proc/{Environment.ProcessId}/fd/\d+$", "the client opens our memfd through /proc");
        File.ReadAllText(_shims.Combine("target.txt")).Trim().Should().StartWith("/memfd:");
        File.ReadAllText(_shims.Combine("mode.txt")).Trim().Should().Be("600", "the clients ignore a world-writable option file, and a new memfd is 0777");
        File.ReadAllText(_shims.Combine("workdir.txt")).Should().BeEmpty("no option file may exist on disk");
        _run.DumpText.Contains("-- Dump completed", StringComparison.Ordinal).Should().BeTrue("the password reached the real mariadb-dump");
    }

    [Fact]
    public async Task Mariadb_dump_does_not_inherit_the_password_variable()
    {
        var shim = _shims.WriteScript("mariadb-dump", $$"""
            env > '{{_shims.Combine("env.txt")}}'
            exec '{{TestServers.MariaDbDumpPath}}' "$@"
            """);

        await _run.RunAsync(Settings(shim));

        var environment = File.ReadAllText(_shims.Combine("env.txt"));
        environment.Should().Contain("PATH=", "the shim saw the rest of the environment")
            .And.NotContain(TestServers.MariaDbPasswordVariable + "=")
            .And.NotContain(TestServers.MariaDbPassword);
        _run.DumpText.Contains("-- Dump completed", StringComparison.Ordinal).Should().BeTrue("the password reached the real mariadb-dump");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_before_mariadb_dump_starts()
    {
        // The node probe logs in first (in-process), so a wrong password never reaches mariadb-dump.
        var file = _shims.Combine("wrong-password");
        File.WriteAllText(file, "definitely-not-the-password");
        var shim = _shims.WriteScript("mariadb-dump", $"touch '{_shims.Combine("started")}'\nexit 0\n");

        var error = await FailsWithSourceError(Settings(shim, passwordFile: file));

        error.Message.Should().StartWith($"cannot dump {TestServers.MariaDbHost}:{TestServers.MariaDbPort}: login refused: ")
            .And.Contain("Access denied");
        File.Exists(_shims.Combine("started")).Should().BeFalse();
    }

    [Fact]
    public async Task A_dump_without_the_completed_trailer_is_reported_as_truncated()
    {
        var shim = _shims.WriteScript("mariadb-dump", """
            printf -- '-- MariaDB dump 10.19\n-- Server version\t10.11.19-MariaDB\n\nCREATE TABLE `t` (\n  `id` int'
            exit 0
            """);

        var error = await FailsWithSourceError(Settings(shim));

        error.Message.Should().Be($"dump from {TestServers.MariaDbHost}:{TestServers.MariaDbPort} is truncated (no '-- Dump completed' trailer)");
    }

    [Fact]
    public async Task A_failing_dump_reports_its_exit_code_and_first_error_lines()
    {
        var shim = _shims.WriteScript("mariadb-dump", """
            printf -- '-- MariaDB dump 10.19\n'
            echo "mariadb-dump: Got error: 1047: \"WSREP has not yet prepared node for application use\" when using LOCK TABLES" >&2
            echo "second line" >&2
            exit 2
            """);

        var error = await FailsWithSourceError(Settings(shim));

        error.Message.Should().Be(
            $"mariadb-dump from {TestServers.MariaDbHost}:{TestServers.MariaDbPort} failed with exit code 2: " +
            "mariadb-dump: Got error: 1047: \"WSREP has not yet prepared node for application use\" when using LOCK TABLES | second line");
    }

    [Fact]
    public async Task A_missing_dump_command_is_named()
    {
        var missing = _shims.Combine("no-such-mariadb-dump");

        var error = await FailsWithSourceError(Settings(missing));

        error.Message.Should().StartWith($"cannot start the dump command '{missing}'");
    }

    [Fact]
    public async Task A_custom_entry_name_is_used_for_the_dump()
    {
        var result = await _run.RunAsync(Settings("mariadb-dump", extra: ("entryName", "nightly.sql")));

        _run.Writer.Entries.Keys.Should().Equal("nightly.sql");
        result.Metadata["entryName"].Should().Be("nightly.sql");
    }
}
