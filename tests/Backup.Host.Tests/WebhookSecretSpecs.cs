using System.Net;
using System.Security.Cryptography;
using Backup.Abstractions;
using Backup.Host.Monitoring;
using Backup.Host.Spec;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>
/// A webhook's URL and signing secret are read with the contract's <see cref="SecretReference"/>: whitespace around
/// them in a mounted file is dropped, and a failure names the spec's setting and the place, never the value.
/// (NotifySpecs sends to a real receiver; a recording handler is enough to see what the notifier read.)
/// </summary>
public sealed class WebhookSecretSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly RecordingHandler _handler = new();

    public void Dispose()
    {
        _handler.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_url_and_signing_secret_read_from_files_may_carry_a_crlf_blank_lines_and_spaces()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(_dir.Combine("url"), "  http://127.0.0.1:9/hook/T0KEN \r\n\r\n");
        File.WriteAllText(_dir.Combine("signing"), $"whsec_{Convert.ToBase64String(key)}\r\n");
        var webhook = Webhook($"url: {{ file: {_dir.Combine("url")} }}\n      signingSecret: {{ file: {_dir.Combine("signing")} }}");

        await NotifyAsync(webhook);

        var request = _handler.Requests.Should().ContainSingle().Subject;
        request.Url.Should().Be(new Uri("http://127.0.0.1:9/hook/T0KEN"));
        request.Signature.Should().Be(WebhookSignature.Sign(key, request.Id, long.Parse(request.Timestamp), request.Body));
    }

    [Fact]
    public async Task A_missing_or_unusable_secret_names_the_setting_and_the_place_never_the_value()
    {
        var (url, bad, absent) = (_dir.Combine("url"), _dir.Combine("bad"), _dir.Combine("absent"));
        File.WriteAllText(url, "http://127.0.0.1:9/hook/T0KEN\n");
        File.WriteAllText(bad, "not a url nor a key: T0KEN\n");
        var unset = $"BACKUP_TEST_UNSET_{Guid.NewGuid():N}";

        var failures = new List<Exception>();
        foreach (var settings in new[]
                 {
                     $"url: {{ env: {unset} }}",
                     $"url: {{ file: {absent} }}",
                     $"url: {{ file: {bad} }}",
                     $"url: {{ file: {url} }}\n      signingSecret: {{ env: {unset} }}",
                     $"url: {{ file: {url} }}\n      signingSecret: {{ file: {bad} }}",
                 })
        {
            var act = () => NotifyAsync(Webhook(settings));
            failures.Add((await act.Should().ThrowAsync<Exception>()).Which);
        }

        failures.Should().SatisfyRespectively(
            e => e.Should().BeOfType<BackupCredentialsException>().Which.Message.Should().Be($"notify.webhooks[0].url: ${unset} is not set or empty"),
            e => e.Should().BeOfType<BackupCredentialsException>().Which.Message.Should().StartWith($"notify.webhooks[0].url: cannot read file '{absent}'"),
            e => e.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be($"the value of notify.webhooks[0].url (file '{bad}') is not an http:// or https:// URL"),
            e => e.Should().BeOfType<BackupCredentialsException>().Which.Message.Should().Be($"notify.webhooks[0].signingSecret: ${unset} is not set or empty"),
            e => e.Should().BeOfType<InvalidOperationException>().Which.Message.Should().StartWith($"the value of notify.webhooks[0].signingSecret (file '{bad}') is not whsec_<base64>"));
        failures.Should().AllSatisfy(e => e.Message.Should().NotContain("T0KEN").And.NotContain(Environment.NewLine));
        _handler.Requests.Should().BeEmpty("nothing is sent without a usable url and key");
    }

    private static WebhookSpec Webhook(string settings) =>
        new SpecLoader(_ => null).Parse($"name: nightly\nsource: {{plugin: a}}\nstorage: {{plugin: b}}\nnotify:\n  webhooks:\n    - {settings}\n", "job.yaml").Notify!.Webhooks.Single();

    private async Task NotifyAsync(WebhookSpec webhook)
    {
        using var http = new HttpClient(_handler, disposeHandler: false);
        var started = DateTimeOffset.UnixEpoch;
        var outcome = new CommandOutcome("run", "nightly", "a", "b", 4, started, started.AddSeconds(1), null, null, null, "boom", null, null);
        await new WebhookNotifier(http, TimeProvider.System).NotifyAsync(webhook, new NotifySpec([webhook], 5, 0), outcome, CancellationToken.None);
    }

    private sealed record Request(Uri Url, string Id, string Timestamp, string Signature, byte[] Body);

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<Request> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string Header(string name) => request.Headers.TryGetValues(name, out var values) ? values.Single() : "";
            Requests.Add(new Request(request.RequestUri!, Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"), await request.Content!.ReadAsByteArrayAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
    }
}
