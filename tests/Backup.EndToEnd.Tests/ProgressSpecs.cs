using Backup.Testing;
using CliWrap;

namespace Backup.EndToEnd.Tests;

/// <summary>Progress of a long run, as the published host prints it: lines at the spec's interval with percent and ETA from the source's estimate, or a live line on a terminal.</summary>
public sealed class ProgressSpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    // 4,000,000 bytes, held after the first 64 KiB block past half: 2,031,616 bytes, 50% of the estimate.
    private const string HeldSource = "bytes: 4000000\n    estimate: 4000000\n    gateFile: {0}";

    private readonly TempDir _dir = new("backup-progress-");

    [Fact]
    public async Task A_run_held_mid_dump_logs_progress_lines_with_the_percent_and_ETA_of_the_sources_estimate_and_no_control_characters()
    {
        var gate = _dir.Combine("gate");
        var spec = JobSpecFile.Write(_dir.Path, _dir.Combine("store"), string.Format(HeldSource, gate), "pipeline:\n  progressIntervalSeconds: 1");
        await using var run = await BackgroundHost.StartAsync(TextLogs, "run", "--spec", spec, "--plugins-dir", host.PluginsDirectory);

        // Lines may come before the source reached the gate or the estimate arrived: wait for one written after both.
        await run.WaitUntilAsync(() => run.StandardErrorSoFar.Contains("~50% of ~3.8 MiB"), "a progress line at the gate");
        await File.WriteAllTextAsync(gate, "");
        var (exitCode, _, stderr) = await run.WaitForExitAsync();

        exitCode.Should().Be(0, stderr);
        var line = stderr.Split('\n').Last(l => l.Contains("~50% of ~3.8 MiB"));
        line.Should().MatchRegex(ProgressLine, "2,031,616 of the estimated 4,000,000 bytes were written when the source was held");
        stderr.Should().NotContain("\u001b").And.NotContain("\r", "stderr is not a terminal: no control sequences, one record per line");
    }

    [Theory]
    [InlineData("fail")]
    [InlineData("hang")]
    public async Task An_estimate_that_fails_or_never_answers_only_means_no_percent(string estimateBehaviour)
    {
        var gate = _dir.Combine("gate");
        var spec = JobSpecFile.Write(_dir.Path, _dir.Combine("store"), string.Format(HeldSource, gate) + $"\n    estimateBehaviour: {estimateBehaviour}", "pipeline:\n  progressIntervalSeconds: 1");
        await using var run = await BackgroundHost.StartAsync(TextLogs, "run", "--spec", spec, "--plugins-dir", host.PluginsDirectory);

        await run.WaitUntilAsync(() => run.StandardErrorSoFar.Contains("dump: 1.9 MiB, "), "a progress line at the gate");
        await File.WriteAllTextAsync(gate, "");
        var (exitCode, _, stderr) = await run.WaitForExitAsync();

        exitCode.Should().Be(0, stderr);
        stderr.Split('\n').Where(l => l.Contains("Backup.Progress")).Should().NotBeEmpty().And.OnlyContain(l => !l.Contains('%') && !l.Contains("ETA"));
        stderr.Should().NotContain("estimate", "a failed estimate is silent (a debug record only)");
    }

    [Fact]
    public async Task On_a_terminal_the_progress_is_one_live_line_redrawn_below_the_logs()
    {
        var gate = _dir.Combine("gate");
        var spec = JobSpecFile.Write(_dir.Path, _dir.Combine("store"), string.Format(HeldSource, gate), "pipeline:\n  progressIntervalSeconds: 1");
        var command = $"'{Path.Combine(await PublishedHost.DirectoryAsync(), "backup")}' run --spec '{spec}' --plugins-dir '{host.PluginsDirectory}'";

        // script(1) gives the host a pseudo-terminal as stdout and stderr, as an interactive shell would.
        var typescript = _dir.Combine("typescript");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var run = Cli.Wrap("script")
            .WithArguments(["-qefc", command, typescript])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["TERM"] = "xterm", ["BACKUP_LOG_FORMAT"] = null })
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(timeout.Token);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!(File.Exists(typescript) && (await File.ReadAllTextAsync(typescript)).Contains("~50% of ~3.8 MiB")) && !run.Task.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await File.WriteAllTextAsync(gate, "");
        var result = await run;

        result.ExitCode.Should().Be(0, await File.ReadAllTextAsync(typescript));
        var screen = await File.ReadAllTextAsync(typescript);
        // Drawn at the start of a line, and erased before the next log line is written there.
        screen.Should().MatchRegex(@"dump: 1\.9 MiB, [^\r\n]*~50% of ~3\.8 MiB[^\r\n]*\r\u001b\[2K\d{4}-\d\d-\d\dT", "the live line shows the estimate's percent and gives way to the next log line");
        screen.Should().NotContain("Backup.Progress", "on a terminal progress is the live line, not log lines");
        screen.Should().Contain("complete: ", "the logs still scroll above the live line");
    }

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, string?> TextLogs => new() { ["BACKUP_LOG_FORMAT"] = null };

    private const string ProgressLine = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: Backup\.Progress\[0\] dump: 1\.9 MiB, [0-9.]+ (B|KiB|MiB|GiB)/s, elapsed \d+:\d\d:\d\d, ~50% of ~3\.8 MiB, ETA \d+:\d\d:\d\d$";
}
