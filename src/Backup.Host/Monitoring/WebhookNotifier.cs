using System.Net.Http.Headers;
using Backup.Abstractions;
using Backup.Host.Spec;

namespace Backup.Host.Monitoring;

/// <summary>Posts an outcome to one webhook, signed when a secret is given, with bounded attempts (<see cref="NotifySpec.Bound"/> at most).</summary>
internal sealed class WebhookNotifier(HttpClient http, TimeProvider clock)
{
    /// <summary>Sends the notification; throws <see cref="InvalidOperationException"/> or <see cref="BackupCredentialsException"/> with a message that never holds the URL or a secret.</summary>
    public async Task NotifyAsync(WebhookSpec webhook, NotifySpec settings, CommandOutcome outcome, CancellationToken cancellationToken)
    {
        // The reader drops only one line end; Uri and WebhookSignature.Key ignore any other whitespace around the value
        // (a CRLF, a blank last line), which a URL or a whsec_ key never holds.
        var url = Uri.TryCreate(await webhook.Url.ReadAsync(cancellationToken), UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? parsed
            : throw new InvalidOperationException($"the value of {webhook.Url} is not an http:// or https:// URL");
        var key = webhook.SigningSecret is { } secret
            ? WebhookSignature.Key(await secret.ReadAsync(cancellationToken))
                ?? throw new InvalidOperationException($"the value of {secret} is not whsec_<base64> (as Standard Webhooks libraries make them)")
            : null;
        var body = WebhookBody.Render(outcome, webhook.SlackText);

        // One id for every attempt: Standard Webhooks receivers deduplicate retries by it.
        var id = $"msg_{Guid.NewGuid():N}";
        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        Exception? last = null;
        var attempts = 0;
        while (attempts <= settings.Retries)
        {
            if (attempts > 0)
            {
                await Task.Delay(NotifySpec.Backoff * attempts, clock, cancellationToken);
            }

            attempts++;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(timeout);
            try
            {
                await SendAsync(url, id, key, body, attempt.Token);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                if (!HttpFailure.IsTransient(ex))
                {
                    break;
                }
            }
        }

        throw new InvalidOperationException($"{HttpFailure.Describe(last!, timeout)} after {attempts} attempt{(attempts == 1 ? "" : "s")}");
    }

    private async Task SendAsync(Uri url, string id, byte[]? key, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (key is not null)
        {
            // Signed per attempt: receivers reject timestamps more than a few minutes old.
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(key, id, timestamp, body));
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }
    }
}
