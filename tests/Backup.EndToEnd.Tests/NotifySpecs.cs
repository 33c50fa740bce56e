using System.Security.Cryptography;
using System.Text.Json;
using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Webhook notifications against a real HTTP receiver on 127.0.0.1: signed with Standard Webhooks (checked by the
/// reference library), on failure by default and on success when asked, bounded when the receiver fails or hangs,
/// and the URL (a secret) never printed.
/// </summary>
public sealed class NotifySpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    private const string UrlVariable = "BACKUP_TEST_WEBHOOK_URL";
    private const string SecretVariable = "BACKUP_TEST_WEBHOOK_SECRET";

    private readonly TempDir _dir = new();
    private readonly string _job = Pushgateway.UniqueJob("notify");
    private readonly string _token = $"T0KEN{Guid.NewGuid():N}";
    private readonly string _secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_failed_run_posts_one_signed_json_body_with_the_error_line_and_a_success_posts_nothing_by_default()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Behaviour.Ok);
        var notify = $"notify:\n  webhooks:\n    - url: {{ env: {UrlVariable} }}\n      signingSecret: {{ env: {SecretVariable} }}";
        var environment = Environment(receiver);

        var ok = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, notify, fileName: "ok.yaml"), environment);
        var failed = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, notify, "behaviour: fail", fileName: "fail.yaml"), environment);

        ok.ExitCode.Should().Be(0, ok.StandardError);
        failed.ExitCode.Should().Be(4, failed.StandardError);
        var call = receiver.Calls.Should().ContainSingle("only the failure is notified by default").Subject;
        call.Token.Should().Be(_token);
        call.Verify(_secret);
        call.Headers["webhook-id"].ToString().Should().StartWith("msg_");
        var body = call.Json;
        body.GetProperty("type").GetString().Should().Be("backup.run.failed");
        body.GetProperty("job").GetString().Should().Be(_job);
        body.GetProperty("command").GetString().Should().Be("run");
        body.GetProperty("status").GetString().Should().Be("failure");
        body.GetProperty("exitCode").GetInt32().Should().Be(4);
        ("error: " + body.GetProperty("error").GetString()).Should().Be(ErrorLine(failed), "the body carries the one error line the run printed");
        body.GetProperty("durationSeconds").GetDouble().Should().BeGreaterThan(0);
        body.GetProperty("location").GetString().Should().Be($"local:{_dir.Combine("store")}");
        body.GetProperty("source").GetString().Should().Be("fake");
        body.GetProperty("storage").GetString().Should().Be("local");
        body.GetProperty("host").GetString().Should().Be(System.Environment.MachineName);
        body.TryGetProperty("text", out _).Should().BeFalse("slackText was not asked for");
        AssertUrlNeverPrinted(ok, failed);
    }

    [Fact]
    public async Task A_success_is_posted_when_asked_with_sizes_the_backup_id_and_a_slack_text_and_the_url_can_come_from_a_file()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Behaviour.Ok);
        var urlFile = _dir.Combine("webhook-url");
        await File.WriteAllTextAsync(urlFile, receiver.Url(_token) + "\n");
        var notify = $"notify:\n  webhooks:\n    - url: {{ file: {urlFile} }}\n      on: [success, failure]\n      slackText: true";

        var ok = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, notify), new Dictionary<string, string?>());

        ok.ExitCode.Should().Be(0, ok.StandardError);
        var call = receiver.Calls.Should().ContainSingle().Subject;
        call.Headers.ContainsKey("webhook-signature").Should().BeFalse("no signing secret was given");
        var body = call.Json;
        var (id, location, size) = (ok.StandardOutput.Split(' ')[0], ok.StandardOutput.Split(' ')[1], long.Parse(ok.StandardOutput.Split(' ')[2]));
        body.GetProperty("status").GetString().Should().Be("success");
        body.GetProperty("backupId").GetString().Should().Be(id);
        body.GetProperty("location").GetString().Should().Be(location);
        body.GetProperty("storedBytes").GetInt64().Should().Be(size);
        body.GetProperty("sourceBytes").GetInt64().Should().Be(200_000);
        body.TryGetProperty("error", out _).Should().BeFalse();
        body.GetProperty("text").GetString().Should().StartWith($":white_check_mark: backup run of job {_job} succeeded in ").And.Contain(id);
        AssertUrlNeverPrinted(ok);
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_then_one_warning_and_the_exit_code_stays()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Behaviour.Fail);
        var notify = $"notify:\n  retries: 2\n  webhooks:\n    - url: {{ env: {UrlVariable} }}\n      signingSecret: {{ env: {SecretVariable} }}";

        var failed = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, notify, "behaviour: fail"), Environment(receiver));

        failed.ExitCode.Should().Be(4, failed.StandardError);
        receiver.Calls.Should().HaveCount(3, "one attempt and two retries");
        receiver.Calls.Select(c => c.Headers["webhook-id"].ToString()).Distinct().Should().ContainSingle("a retry is the same message");
        foreach (var call in receiver.Calls)
        {
            call.Verify(_secret);
        }

        Warnings(failed).Should().ContainSingle().Which.Should().Be(
            $"warning: webhook 1 (url from ${UrlVariable}) was not notified: HTTP 500 after 3 attempts; the exit code is unchanged");
        AssertUrlNeverPrinted(failed);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_costs_the_bounded_attempts_and_one_warning()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Behaviour.Hang);
        var notify = $"notify:\n  timeoutSeconds: 1\n  retries: 1\n  webhooks:\n    - url: {{ env: {UrlVariable} }}\n      on: success";
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var ok = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, notify), Environment(receiver));

        ok.ExitCode.Should().Be(0, ok.StandardError);
        receiver.Calls.Should().HaveCount(2);
        Warnings(ok).Should().ContainSingle().Which.Should().Be(
            $"warning: webhook 1 (url from ${UrlVariable}) was not notified: no answer within 1 s after 2 attempts; the exit code is unchanged");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "two 1 s attempts and a 1 s pause, not the receiver, bound the run");
        AssertUrlNeverPrinted(ok);
    }

    [Fact]
    public async Task A_missing_url_variable_is_one_warning_naming_the_variable()
    {
        var notify = "notify:\n  webhooks:\n    - url: { env: BACKUP_TEST_NO_SUCH_VARIABLE }";

        var failed = await RunAsync(MonitoringSpecFile.Write(_dir.Path, _job, notify, "behaviour: fail"), new Dictionary<string, string?>());

        failed.ExitCode.Should().Be(4);
        Warnings(failed).Should().ContainSingle().Which.Should().Be(
            "warning: webhook 1 (url from $BACKUP_TEST_NO_SUCH_VARIABLE) was not notified: notify.webhooks[0].url: $BACKUP_TEST_NO_SUCH_VARIABLE is not set or empty; the exit code is unchanged");
    }

    private static string ErrorLine(BufferedCommandResult result) =>
        result.StandardError.Split('\n').Single(l => l.StartsWith("error: ", StringComparison.Ordinal));

    private static List<string> Warnings(BufferedCommandResult result) =>
        result.StandardError.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToList();

    private void AssertUrlNeverPrinted(params BufferedCommandResult[] results)
    {
        foreach (var result in results)
        {
            (result.StandardOutput + result.StandardError).Should().NotContain(_token, "the webhook URL is a secret");
        }
    }

    private Dictionary<string, string?> Environment(WebhookReceiver receiver) =>
        new() { [UrlVariable] = receiver.Url(_token), [SecretVariable] = _secret };

    private async Task<BufferedCommandResult> RunAsync(string spec, IReadOnlyDictionary<string, string?> environment) =>
        await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", host.PluginsDirectory], environment);
}
