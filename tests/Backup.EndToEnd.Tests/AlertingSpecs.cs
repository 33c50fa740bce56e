using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The shipped alert rules (deploy/monitoring/backup-rules.yml, unchanged) in a real Prometheus scraping the real
/// Pushgateway: a failed backup run makes BackupLastRunFailed fire for its job, and a later successful run resolves it.
/// </summary>
public sealed class AlertingSpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly TempDir _dir = new();
    private readonly string _job = Pushgateway.UniqueJob("alerting");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_failed_run_fires_BackupLastRunFailed_and_a_successful_run_resolves_it()
    {
        await using var prometheus = await PrometheusServer.StartAsync(Path.Combine(RepositoryPaths.Root, "deploy", "monitoring", "backup-rules.yml"));
        var metrics = $"metrics:\n  pushgateway: {Pushgateway.Url}";

        var failed = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, metrics, "behaviour: fail", fileName: "fail.yaml"));
        failed.ExitCode.Should().Be(4, failed.StandardError);
        await prometheus.WaitForAlertsAsync(alerts => alerts.Any(IsFailedRunOfThisJob), Deadline, $"BackupLastRunFailed to fire for {_job}");
        var alert = (await prometheus.AlertsAsync()).Single(IsFailedRunOfThisJob);
        alert.Labels["command"].Should().Be("run");
        alert.Labels["severity"].Should().Be("warning");

        var ok = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, metrics, fileName: "ok.yaml"));
        ok.ExitCode.Should().Be(0, ok.StandardError);
        await prometheus.WaitForAlertsAsync(alerts => !alerts.Any(a => a.Name == "BackupLastRunFailed" && a.Labels["job"] == _job), Deadline, $"BackupLastRunFailed to resolve for {_job}");
        await Pushgateway.DeleteGroupAsync(_job, "run");
    }

    private bool IsFailedRunOfThisJob((string Name, string State, IReadOnlyDictionary<string, string> Labels) alert) =>
        alert.Name == "BackupLastRunFailed" && alert.State == "firing" && alert.Labels.GetValueOrDefault("job") == _job;

    private async Task<CliWrap.Buffered.BufferedCommandResult> RunAsync(string spec) =>
        await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", host.PluginsDirectory]);
}
