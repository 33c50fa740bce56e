using System.Collections.Concurrent;
using Backup.Abstractions;
using Backup.Host.Spec;

namespace Backup.Host.Monitoring;

/// <summary>Pushes an outcome's metrics and sends its notifications, all at once and each bounded; a failure is one warning line, never an error.</summary>
internal sealed class OutcomeReporter(TextWriter error, TimeProvider clock)
{
    /// <summary>The longest reporting can take for <paramref name="spec"/>: the slowest of the push and the webhooks.</summary>
    public static TimeSpan Bound(JobSpec spec) =>
        new[] { spec.Metrics is { } m ? TimeSpan.FromSeconds(m.TimeoutSeconds) : TimeSpan.Zero, spec.Notify?.Bound ?? TimeSpan.Zero }.Max();

    /// <summary>Reports <paramref name="outcome"/>; gives up whatever is unfinished after <paramref name="limit"/> (the rest of a shutdown budget).</summary>
    /// <remarks>Each part is bounded by its own timeouts; <paramref name="limit"/> is the backstop over all of them (and whatever a secret file's read may cost).</remarks>
    public async Task ReportAsync(JobSpec spec, CommandOutcome outcome, TimeSpan limit)
    {
        var warnings = new ConcurrentQueue<string>();
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = Bound(spec) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = new CancellationTokenSource(limit, clock);
        var work = new List<Task>();
        if (spec.Metrics is { } metrics)
        {
            work.Add(PushAsync(new PushgatewayClient(http), metrics, outcome, warnings, limit, deadline.Token));
        }

        var notifier = new WebhookNotifier(http, clock);
        var webhooks = spec.Notify?.Webhooks ?? [];
        for (var i = 0; i < webhooks.Count; i++)
        {
            if (outcome.Succeeded ? webhooks[i].OnSuccess : webhooks[i].OnFailure)
            {
                work.Add(NotifyAsync(notifier, webhooks[i], spec.Notify!, i + 1, outcome, warnings, limit, deadline.Token));
            }
        }

        await Task.WhenAll(work);
        foreach (var warning in warnings)
        {
            error.WriteLine($"warning: {warning}");
        }
    }

    private static async Task PushAsync(PushgatewayClient client, MetricsSpec metrics, CommandOutcome outcome, ConcurrentQueue<string> warnings, TimeSpan limit, CancellationToken deadline)
    {
        var timeout = TimeSpan.FromSeconds(metrics.TimeoutSeconds);
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline);
            bounded.CancelAfter(timeout);
            await client.PushAsync(metrics, outcome, bounded.Token);
        }
        catch (Exception ex)
        {
            var reason = deadline.IsCancellationRequested ? OutOfTime(limit)
                : ex is InvalidOperationException ? ex.Message
                : HttpFailure.Describe(ex, timeout);
            warnings.Enqueue($"metrics were not pushed to {PushgatewayClient.GroupUrl(metrics.Pushgateway, outcome.Job, outcome.Command)}: {reason}; the exit code is unchanged");
        }
    }

    private static async Task NotifyAsync(WebhookNotifier notifier, WebhookSpec webhook, NotifySpec settings, int number, CommandOutcome outcome, ConcurrentQueue<string> warnings, TimeSpan limit, CancellationToken deadline)
    {
        try
        {
            await notifier.NotifyAsync(webhook, settings, outcome, deadline);
        }
        catch (Exception ex)
        {
            // Only this project's own messages are quoted: an HTTP stack's message may hold the URL, which is a secret.
            var reason = deadline.IsCancellationRequested ? OutOfTime(limit)
                : ex is InvalidOperationException or BackupCredentialsException ? ex.Message
                : HttpFailure.Describe(ex, TimeSpan.FromSeconds(settings.TimeoutSeconds));
            warnings.Enqueue($"webhook {number} (url from {webhook.Url.Describe()}) was not notified: {reason}; the exit code is unchanged");
        }
    }

    private static string OutOfTime(TimeSpan limit) => $"not done within the {limit.TotalSeconds:0.#} s left for monitoring";
}
