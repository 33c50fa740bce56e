using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Every job command pushes its outcome to the real Pushgateway (scripts/test-servers.sh), on success and on every kind of
/// failure; the tests scrape the gateway's <c>/metrics</c> as Prometheus would and check every series and value.
/// Each test has its own job name, so tests never see each other's groups.
/// </summary>
public sealed class MetricsSpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    private static readonly string[] AttemptSeries = ["backup_last_attempt_timestamp_seconds", "backup_last_exit_code", "backup_last_duration_seconds"];
    private static readonly string[] SuccessSeries = ["backup_last_success_timestamp_seconds", "backup_stored_bytes", "backup_source_bytes", "backup_compression_ratio"];

    private readonly TempDir _dir = new();
    private readonly string _job = Pushgateway.UniqueJob("metrics");

    public void Dispose() => _dir.Dispose();

    private string Metrics => $"metrics:\n  pushgateway: {Pushgateway.Url}";

    [Fact]
    public async Task A_successful_run_pushes_every_series_and_a_failed_run_keeps_the_last_success_and_its_sizes()
    {
        var spec = MonitoringSpecFile.Write(_dir.Path, _job, Metrics);
        var before = Now();
        var success = await RunAsync("run", spec);
        var after = Now();

        success.ExitCode.Should().Be(0, success.StandardError);
        success.StandardError.Should().NotContain("warning:");
        var stored = long.Parse(success.StandardOutput.Split(' ')[2]);
        var first = await SeriesAsync("run");
        first.Keys.Should().BeEquivalentTo(AttemptSeries.Concat(SuccessSeries));
        first["backup_last_attempt_timestamp_seconds"].Should().BeInRange(before, after);
        first["backup_last_success_timestamp_seconds"].Should().Be(first["backup_last_attempt_timestamp_seconds"]);
        first["backup_last_exit_code"].Should().Be(0);
        first["backup_last_duration_seconds"].Should().BeInRange(0.001, after - before);
        first["backup_stored_bytes"].Should().Be(stored);
        first["backup_source_bytes"].Should().Be(200_000, "two entries of 100000 bytes");
        first["backup_compression_ratio"].Should().BeApproximately(200_000.0 / stored, 1e-9);

        var failed = await RunAsync("run", MonitoringSpecFile.Write(_dir.Path, _job, Metrics, "behaviour: fail", fileName: "fail.yaml"));
        failed.ExitCode.Should().Be(4, failed.StandardError);
        var second = await SeriesAsync("run");
        second["backup_last_exit_code"].Should().Be(4);
        second["backup_last_attempt_timestamp_seconds"].Should().BeGreaterThan(first["backup_last_attempt_timestamp_seconds"]);
        foreach (var name in SuccessSeries)
        {
            second[name].Should().Be(first[name], $"a failed run must not replace {name}");
        }
    }

    [Fact]
    public async Task An_encrypted_run_pushes_the_raw_size_the_sealed_manifest_hides()
    {
        var recipient = (await AgeKeyPair.CreateAsync(_dir)).Recipient;

        var result = await RunAsync("run", MonitoringSpecFile.Write(_dir.Path, _job, $"{Metrics}\nencryption:\n  recipients:\n    - {recipient}"));

        result.ExitCode.Should().Be(0, result.StandardError);
        var series = await SeriesAsync("run");
        series["backup_source_bytes"].Should().Be(200_000);
        series["backup_stored_bytes"].Should().Be(long.Parse(result.StandardOutput.Split(' ')[2]));
    }

    [Fact]
    public async Task A_storage_failure_pushes_exit_code_5_and_no_success()
    {
        await File.WriteAllTextAsync(_dir.Combine("a-file"), "");
        var spec = MonitoringSpecFile.Write(_dir.Path, _job, Metrics, storagePath: _dir.Combine("a-file", "store"));

        var result = await RunAsync("run", spec);

        result.ExitCode.Should().Be(5, result.StandardError);
        var series = await SeriesAsync("run");
        series.Keys.Should().BeEquivalentTo(AttemptSeries, "a job that never succeeded has no success series, which the BackupNeverSucceeded alert sees");
        series["backup_last_exit_code"].Should().Be(5);
    }

    [Fact]
    public async Task Bad_plugin_settings_push_exit_code_2()
    {
        var result = await RunAsync("run", MonitoringSpecFile.Write(_dir.Path, _job, Metrics, "entries: 2\n    noSuchSetting: 1"));

        result.ExitCode.Should().Be(2, result.StandardError);
        (await SeriesAsync("run"))["backup_last_exit_code"].Should().Be(2);
    }

    [Fact]
    public async Task A_run_stopped_by_SIGTERM_pushes_exit_code_143_within_the_shutdown_budget()
    {
        var marker = _dir.Combine("started");
        var spec = MonitoringSpecFile.Write(_dir.Path, _job, Metrics, $"behaviour: hang\n    bytes: 100000\n    markerFile: {marker}");
        await using var run = await BackgroundHost.StartAsync("run", "--spec", spec, "--plugins-dir", host.PluginsDirectory);
        await run.WaitUntilAsync(() => File.Exists(marker + ".stalled"), "the source hangs");

        var (exitCode, standardError) = await run.TerminateAsync();

        exitCode.Should().Be(143, standardError);
        standardError.Should().NotContain("warning:");
        var series = await SeriesAsync("run");
        series["backup_last_exit_code"].Should().Be(143);
        series.Should().NotContainKey("backup_last_success_timestamp_seconds");
    }

    [Fact]
    public async Task Verify_pushes_its_own_group_with_the_last_verified_time_and_prune_its_own()
    {
        var spec = MonitoringSpecFile.Write(_dir.Path, _job, Metrics);
        (await RunAsync("run", spec)).ExitCode.Should().Be(0);
        var before = Now();

        var verify = await RunAsync("verify", spec, "--latest");
        var prune = await RunAsync("prune", spec);

        verify.ExitCode.Should().Be(0, verify.StandardError);
        prune.ExitCode.Should().Be(0, prune.StandardError);
        var verified = await SeriesAsync("verify");
        verified.Keys.Should().BeEquivalentTo(AttemptSeries.Append("backup_last_success_timestamp_seconds").Append("backup_last_verified_timestamp_seconds"));
        verified["backup_last_verified_timestamp_seconds"].Should().BeInRange(before, Now());
        verified["backup_last_exit_code"].Should().Be(0);
        (await SeriesAsync("prune")).Keys.Should().BeEquivalentTo(AttemptSeries.Append("backup_last_success_timestamp_seconds"));
        (await SeriesAsync("run")).Keys.Should().Contain(SuccessSeries, "verify and prune push to their own groups");

        // What docs/monitoring.md says to do when a job is removed: delete its groups.
        foreach (var command in new[] { "run", "verify", "prune" })
        {
            await Pushgateway.DeleteGroupAsync(_job, command);
        }

        (await Pushgateway.ScrapeAsync(_job)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_gateway_that_never_answers_costs_one_warning_and_the_push_timeout_and_never_the_exit_code()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var spec = MonitoringSpecFile.Write(_dir.Path, _job, $"metrics:\n  pushgateway: http://127.0.0.1:{port}\n  timeoutSeconds: 1");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        // The listener accepts (the kernel completes the handshake) and never reads or answers: a frozen gateway.
        var result = await RunAsync("run", spec);

        result.ExitCode.Should().Be(0, result.StandardError);
        var warnings = result.StandardError.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToList();
        warnings.Should().ContainSingle().Which.Should().Be(
            $"warning: metrics were not pushed to http://127.0.0.1:{port}/metrics/job/{_job}/command/run: no answer within 1 s; the exit code is unchanged");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the push is bounded by its 1 s timeout, not by the gateway");
    }

    [Fact]
    public async Task A_gateway_that_is_down_costs_one_warning_and_a_failed_run_keeps_its_exit_code()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var spec = MonitoringSpecFile.Write(_dir.Path, _job, $"metrics:\n  pushgateway: http://127.0.0.1:{port}", "behaviour: fail");

        var result = await RunAsync("run", spec);

        result.ExitCode.Should().Be(4, result.StandardError);
        result.StandardError.Should().Contain($"warning: metrics were not pushed to http://127.0.0.1:{port}/metrics/job/{_job}/command/run: connection failed (ConnectionRefused); the exit code is unchanged");
    }

    [Fact]
    public async Task A_push_the_gateway_refuses_is_one_warning_quoting_its_answer()
    {
        var spec = MonitoringSpecFile.Write(_dir.Path, _job, $"metrics:\n  pushgateway: {Pushgateway.Url}/not-the-api");

        var result = await RunAsync("run", spec);

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardError.Should().Contain($"warning: metrics were not pushed to {Pushgateway.Url}/not-the-api/metrics/job/{_job}/command/run: HTTP 404: 404 page not found; the exit code is unchanged");
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private async Task<Dictionary<string, double>> SeriesAsync(string command)
    {
        var samples = (await Pushgateway.ScrapeAsync(_job)).Where(s => s.Labels.GetValueOrDefault("command") == command && s.Name.StartsWith("backup_", StringComparison.Ordinal)).ToList();
        samples.Should().OnlyContain(s => s.Labels["source"] == "fake" && s.Labels["storage"] == "local");
        return samples.ToDictionary(s => s.Name, s => s.Value);
    }

    private async Task<BufferedCommandResult> RunAsync(string command, string spec, params string[] more) =>
        await PublishedHost.RunAsync([command, "--spec", spec, "--plugins-dir", host.PluginsDirectory, .. more]);
}
