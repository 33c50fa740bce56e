using System.Text.Json;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary><c>BACKUP_LOG_FORMAT=json</c> as a log collector sees it: every line on stdout and stderr is one JSON object carrying the job, the backup id and the phase, on success and on failure.</summary>
public sealed class JsonLogSpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    private static readonly Dictionary<string, string?> Json = new() { ["BACKUP_LOG_FORMAT"] = "json" };

    private readonly TempDir _dir = new("backup-json-");

    private string StorageRoot => _dir.Combine("store");

    [Fact]
    public async Task Every_line_of_a_successful_run_is_json_with_job_backup_id_and_phase_including_progress()
    {
        var gate = _dir.Combine("gate");
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, $"bytes: 4000000\n    estimate: 4000000\n    gateFile: {gate}", "pipeline:\n  progressIntervalSeconds: 1");
        await using var run = await BackgroundHost.StartAsync(Json, "run", "--spec", spec, "--plugins-dir", host.PluginsDirectory);

        // Records may come before the source reached the gate or the estimate arrived: wait for one written after both.
        await run.WaitUntilAsync(() => run.StandardErrorSoFar.Contains("\"percent\":50,"), "a progress record at the gate");
        await File.WriteAllTextAsync(gate, "");
        var (exitCode, stdout, stderr) = await run.WaitForExitAsync();

        exitCode.Should().Be(0, stderr);
        var logs = JsonLogLines.Parse(stderr, "stderr");
        var output = JsonLogLines.Parse(stdout, "stdout").Should().ContainSingle().Subject;
        var backupId = output.Text("message")!.Split(' ')[0];
        backupId.Should().StartWith("e2e-");
        output.Text("backupId").Should().Be(backupId);
        logs.Should().OnlyContain(r => r.Text("job") == "e2e" && r.Text("phase") != null && r.Text("level") != null && r.Text("timestamp") != null);
        logs.Where(r => r.Text("phase") is "dump" or "upload").Should().NotBeEmpty().And.OnlyContain(r => r.Text("backupId") == backupId);
        logs.Select(r => r.Text("phase")).Distinct().Should().ContainInOrder("start", "dump", "upload");

        // 50% is exactly the gate's 2,031,616 bytes (one 64 KiB block less is 49%, one more 52%).
        var progress = logs.Last(r => r.Text("category") == "Backup.Progress" && r.Field("percent")?.GetInt32() == 50);
        progress.Text("phase").Should().Be("dump");
        progress.Field("bytes")!.Value.GetInt64().Should().Be(2_031_616, "the source was held after that many bytes");
        progress.Field("totalBytes")!.Value.GetInt64().Should().Be(4_000_000);
        progress.Field("totalIsEstimate")!.Value.GetBoolean().Should().BeTrue();
        progress.Field("percent")!.Value.GetInt32().Should().Be(50);
        progress.Field("etaSeconds")!.Value.ValueKind.Should().Be(JsonValueKind.Number);
        progress.Text("message").Should().StartWith("dump: 1.9 MiB, ");
    }

    [Fact]
    public async Task A_storage_failure_ends_with_a_json_error_record_naming_the_job_and_phase()
    {
        // The storage root is a file, so nothing can be created under it.
        await File.WriteAllTextAsync(StorageRoot, "not a directory");
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot);

        var result = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", host.PluginsDirectory], Json);

        result.ExitCode.Should().Be(5);
        JsonLogLines.Parse(result.StandardOutput, "stdout").Should().BeEmpty();
        var logs = JsonLogLines.Parse(result.StandardError, "stderr");
        logs.Should().OnlyContain(r => r.Text("job") == "e2e" && r.Text("phase") != null);
        var error = logs.Where(r => r.Text("level") == "error").Should().ContainSingle().Subject;
        // The storage's pre-flight check finds it before the source starts: the phase is still "start".
        error.Text("message").Should().StartWith("error: pre-flight: local storage: cannot write");
        error.Text("phase").Should().Be("start");
        logs[^1].Should().Be(error, "the error is the run's last line");
    }

    [Fact]
    public async Task A_bad_spec_exits_2_with_one_json_error_record_naming_the_job()
    {
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, extra: "pipeline:\n  progressIntervalSeconds: soon");

        var result = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", host.PluginsDirectory], Json);

        result.ExitCode.Should().Be(2);
        var error = JsonLogLines.Parse(result.StandardError, "stderr").Should().ContainSingle().Subject;
        error.Text("level").Should().Be("error");
        error.Text("message").Should().Contain("pipeline.progressIntervalSeconds 'soon' must be a whole number from 0 to 86400");
        error.Text("job").Should().Be("e2e");
        error.Text("phase").Should().Be("start");
    }

    [Fact]
    public async Task A_bad_command_line_is_a_json_error_record_too()
    {
        var result = await PublishedHost.RunAsync(["run", "--no-such-option"], Json);

        result.ExitCode.Should().Be(2);
        JsonLogLines.Parse(result.StandardError, "stderr").Should().NotBeEmpty().And.OnlyContain(r => r.Text("level") == "error");
    }

    public void Dispose() => _dir.Dispose();
}
