using Backup.Abstractions;
using Backup.Host.Monitoring;
using Backup.Host.Spec;

namespace Backup.Host.Tests;

/// <summary>The <c>metrics</c> and <c>notify</c> sections: read, defaulted and checked up front (so <c>backup validate</c> reports them), secrets only named.</summary>
public sealed class MonitoringSpecSpecs
{
    private const string Head = "name: nightly\nsource: {plugin: a}\nstorage: {plugin: b}\n";

    [Fact]
    public void Without_the_sections_nothing_is_pushed_or_notified()
    {
        var spec = Parse(Head);

        spec.Metrics.Should().BeNull();
        spec.Notify.Should().BeNull();
    }

    [Fact]
    public void The_metrics_section_names_the_pushgateway_and_a_timeout()
    {
        Parse(Head + "metrics:\n  pushgateway: http://pushgateway.monitoring:9091\n").Metrics
            .Should().Be(new MetricsSpec(new Uri("http://pushgateway.monitoring:9091"), 5));
        Parse(Head + "metrics: {pushgateway: 'https://gw/prefix/', timeoutSeconds: 2}\n").Metrics
            .Should().Be(new MetricsSpec(new Uri("https://gw/prefix/"), 2));
    }

    [Fact]
    public void BACKUP_PUSHGATEWAY_URL_sets_or_overrides_the_pushgateway_and_is_checked_too()
    {
        var environment = new Dictionary<string, string?> { [MetricsSpec.UrlVariable] = "http://other:9091" };

        Parse(Head, environment).Metrics!.Pushgateway.Should().Be(new Uri("http://other:9091"));
        Parse(Head + "metrics: {pushgateway: 'http://gw:9091', timeoutSeconds: 3}\n", environment).Metrics
            .Should().Be(new MetricsSpec(new Uri("http://other:9091"), 3));
        var act = () => Parse(Head, new Dictionary<string, string?> { [MetricsSpec.UrlVariable] = "gw:9091" });
        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().Equal(
            "BACKUP_PUSHGATEWAY_URL: metrics.pushgateway 'gw:9091' must be an http:// or https:// URL");
    }

    [Fact]
    public void Every_problem_of_the_monitoring_sections_is_reported_at_once()
    {
        var act = () => Parse(Head + """
            metrics:
              pushgateway: http://user:pw@gw:9091
              timeoutSeconds: 0
              extra: 1
            notify:
              retries: 9
              webhooks:
                - url: https://hooks.slack.com/services/SECRET
                  on: [failure, sometimes]
                  slackText: yes
                - url: { env: HOOK, file: /x }
                - on: success
                - url: { env: HOOK }
                  signingSecret: { vault: x }
            """);

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().BeEquivalentTo(
            "job.yaml:7:3: unknown key 'metrics.extra' (expected one of: pushgateway, timeoutSeconds)",
            "job.yaml:6:19: metrics.timeoutSeconds '0' must be a whole number from 1 to 60",
            "job.yaml:5:16: metrics.pushgateway must be a plain base URL without credentials, query or fragment",
            "job.yaml:9:12: notify.retries '9' must be a whole number from 0 to 5",
            "job.yaml:11:12: notify.webhooks[0].url must be { env: VARIABLE } or { file: /path } (it is a secret, never written in the spec)",
            "job.yaml:12:11: notify.webhooks[0].on 'sometimes' is not one of: failure, success",
            "job.yaml:13:18: notify.webhooks[0].slackText must be true or false, not 'yes'",
            "job.yaml:14:12: notify.webhooks[1].url must be { env: VARIABLE } or { file: /path } (it is a secret, never written in the spec)",
            "job.yaml:15:7: notify.webhooks[2].url is required: { env: VARIABLE } or { file: /path } (it is a secret, never written in the spec)",
            "job.yaml:17:24: unknown key 'notify.webhooks[3].signingSecret.vault' (expected one of: env, file)");
    }

    [Fact]
    public void A_webhook_notifies_on_failure_by_default_and_reads_its_options()
    {
        var notify = Parse(Head + """
            notify:
              webhooks:
                - url: { env: HOOK }
                - url: { file: /run/secrets/hook }
                  on: [success, failure]
                  slackText: true
                  signingSecret: { file: /run/secrets/signing }
            """).Notify!;

        notify.TimeoutSeconds.Should().Be(5);
        notify.Retries.Should().Be(2);
        notify.Bound.Should().Be(TimeSpan.FromSeconds(15 + 3), "three 5 s attempts and pauses of 1 s and 2 s");
        notify.Webhooks.Select(w => (Url: w.Url.ToString(), w.OnFailure, w.OnSuccess, w.SlackText, SigningSecret: w.SigningSecret?.ToString())).Should().Equal(
            ("notify.webhooks[0].url ($HOOK)", true, false, false, null),
            ("notify.webhooks[1].url (file '/run/secrets/hook')", true, true, true, "notify.webhooks[1].signingSecret (file '/run/secrets/signing')"));
    }

    [Fact]
    public void The_signature_is_the_standard_webhooks_hmac_of_id_timestamp_and_body()
    {
        // The example of the Standard Webhooks specification (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md).
        var key = WebhookSignature.Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")!;

        var signature = WebhookSignature.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""u8.ToArray());

        signature.Should().Be("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        WebhookSignature.Key("whsec_not base64!").Should().BeNull();
    }

    [Fact]
    public void The_pushed_text_has_only_the_series_the_outcome_has()
    {
        var started = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var success = new CommandOutcome("run", "nightly", "mariadb-ha", "aws", 0, started, started.AddSeconds(12.5), "id", 250, 1000, null, "db-0", "s3://b/id");

        MetricsExposition.Render(success).Split('\n').Where(l => !l.StartsWith('#') && l.Length > 0).Should().Equal(
            "backup_last_attempt_timestamp_seconds{source=\"mariadb-ha\",storage=\"aws\"} 1700000012.5",
            "backup_last_exit_code{source=\"mariadb-ha\",storage=\"aws\"} 0",
            "backup_last_duration_seconds{source=\"mariadb-ha\",storage=\"aws\"} 12.5",
            "backup_last_success_timestamp_seconds{source=\"mariadb-ha\",storage=\"aws\"} 1700000012.5",
            "backup_stored_bytes{source=\"mariadb-ha\",storage=\"aws\"} 250",
            "backup_source_bytes{source=\"mariadb-ha\",storage=\"aws\"} 1000",
            "backup_compression_ratio{source=\"mariadb-ha\",storage=\"aws\"} 4");
        MetricsExposition.Render(success with { ExitCode = 5, Error = "boom" }).Should().NotContain("backup_last_success").And.NotContain("_bytes").And.NotContain("compression_ratio");
        PushgatewayClient.GroupUrl(new Uri("http://gw:9091/base"), "nightly", "run").Should().Be(new Uri("http://gw:9091/base/metrics/job/nightly/command/run"));
    }

    private static JobSpec Parse(string yaml, IReadOnlyDictionary<string, string?>? environment = null) =>
        new SpecLoader(name => environment?.GetValueOrDefault(name)).Parse(yaml, "job.yaml");
}
