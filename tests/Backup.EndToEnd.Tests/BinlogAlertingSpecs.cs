using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The binlog archiver's alert rules (deploy/monitoring/backup-rules.yml) in a real Prometheus scraping the real
/// Pushgateway, fed by the real <c>backup binlogs --once</c> on the shared Galera cluster: the series it pushes are the
/// ones the rules read. The rules are copied with their minutes shortened to seconds and the configured job renamed
/// to this test's; promtool's unit tests (backup-binlog-rules.test.yml) cover the real durations.
/// </summary>
public sealed class BinlogAlertingSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly TempDir _dir = new();
    private readonly GaleraCluster _cluster = new();
    private readonly string _job = Pushgateway.UniqueJob("binalert");

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public async Task DisposeAsync()
    {
        try
        {
            await _cluster.DisposeAsync();
        }
        finally
        {
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task A_configured_archiver_alerts_until_its_first_round_and_goes_stale_when_no_round_follows()
    {
        await using var prometheus = await PrometheusServer.StartAsync(ShortenedRules());

        await prometheus.WaitForAlertsAsync(alerts => alerts.Any(a => IsFiringForThisJob(a, "BinlogArchiveNeverRan")), Deadline, $"BinlogArchiveNeverRan to fire for {_job}, which never pushed");
        var neverRan = (await prometheus.AlertsAsync()).Single(a => IsFiringForThisJob(a, "BinlogArchiveNeverRan"));
        neverRan.Labels["command"].Should().Be("binlogs");
        neverRan.Labels["severity"].Should().Be("critical");

        var archived = await PublishedHost.RunAsync(["binlogs", "--spec", WriteSpec(), "--once"]);
        archived.ExitCode.Should().Be(0, archived.StandardError);

        await prometheus.WaitForAlertsAsync(
            alerts => !alerts.Any(a => a.Name == "BinlogArchiveNeverRan" && a.Labels.GetValueOrDefault("job") == _job) && alerts.Any(a => IsFiringForThisJob(a, "BinlogArchiveStale")),
            Deadline,
            $"BinlogArchiveNeverRan to resolve and BinlogArchiveStale to fire for {_job}, whose only round is over 2 s old");
        (await prometheus.AlertsAsync()).Single(a => IsFiringForThisJob(a, "BinlogArchiveStale")).Labels["severity"].Should().Be("critical");
        (await prometheus.AlertsAsync()).Should().NotContain(a => a.Name == "BinlogArchiveFailing" && a.Labels.GetValueOrDefault("job") == _job, "the round succeeded");
        await Pushgateway.DeleteGroupAsync(_job, "binlogs");
    }

    // Stale after 2 s instead of 15 min, the configured job is this test's and its absence alerts at once, failing at once.
    private string ShortenedRules()
    {
        var rules = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "monitoring", "backup-rules.yml"));
        string Replace(string text, string original, string shortened)
        {
            text.Should().Contain(original, "the spec rewrites the shipped rule");
            return text.Replace(original, shortened);
        }

        rules = Replace(rules, "> 15 * 60", "> 2");
        rules = Replace(rules, "(backup_binlog_last_round_failed) == 1\n        for: 5m", "(backup_binlog_last_round_failed) == 1\n        for: 0s");
        rules = Replace(rules, "{job=\"mariadb-ha-backup\", command=\"binlogs\"})\n        for: 15m", $"{{job=\"{_job}\", command=\"binlogs\"}})\n        for: 0s");
        var path = _dir.Combine("backup-rules.yml");
        File.WriteAllText(path, rules);
        return path;
    }

    private string WriteSpec() => GaleraJobSpecFile.Write(_dir.Path, _cluster, _job, _dir.Combine("store"), "binalert", $"metrics:\n  pushgateway: {Pushgateway.Url}");

    private bool IsFiringForThisJob((string Name, string State, IReadOnlyDictionary<string, string> Labels) alert, string name) =>
        alert.Name == name && alert.State == "firing" && alert.Labels.GetValueOrDefault("job") == _job;
}
