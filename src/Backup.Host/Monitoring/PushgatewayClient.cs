using System.Net.Http.Headers;
using Backup.Host.Spec;

namespace Backup.Host.Monitoring;

/// <summary>Pushes an outcome's series to a Pushgateway with one POST to the job's group for the command.</summary>
/// <remarks>
/// A plain POST of the text format rather than prometheus-net: its <c>MetricPusher</c> pushes a registry on a timer,
/// while a one-shot command needs one push it can bound and await, and the text is a dozen lines.
/// The group is <c>/metrics/job/&lt;job&gt;/command/&lt;command&gt;</c>: one per command, so a verify never replaces a
/// run's series; POST (not PUT) so a failure's push leaves the success-only series. Deleting that URL removes the group.
/// </remarks>
internal sealed class PushgatewayClient(HttpClient http)
{
    /// <summary>The group URL of <paramref name="command"/> of <paramref name="job"/> under <paramref name="pushgateway"/>.</summary>
    public static Uri GroupUrl(Uri pushgateway, string job, string command)
    {
        var root = pushgateway.AbsoluteUri.EndsWith('/') ? pushgateway.AbsoluteUri : pushgateway.AbsoluteUri + "/";
        return new Uri($"{root}metrics/job/{Uri.EscapeDataString(job)}/command/{Uri.EscapeDataString(command)}");
    }

    /// <summary>The most of the gateway's error text quoted in a warning (it says e.g. which series clashes with another group's type).</summary>
    private const int MaxErrorChars = 300;

    /// <summary>Pushes <paramref name="outcome"/>; throws <see cref="HttpRequestException"/> when it gets no answer, <see cref="InvalidOperationException"/> for an answer other than 2xx.</summary>
    public Task PushAsync(MetricsSpec spec, CommandOutcome outcome, CancellationToken cancellationToken) =>
        PushTextAsync(spec, outcome.Job, outcome.Command, MetricsExposition.Render(outcome), cancellationToken);

    /// <summary>Pushes <paramref name="exposition"/> (text format 0.0.4) to the group of <paramref name="command"/> of <paramref name="job"/>; throws as <see cref="PushAsync"/>.</summary>
    public async Task PushTextAsync(MetricsSpec spec, string job, string command, string exposition, CancellationToken cancellationToken)
    {
        using var content = new StringContent(exposition);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; version=0.0.4; charset=utf-8");
        using var response = await http.PostAsync(GroupUrl(spec.Pushgateway, job, command), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var buffer = new byte[MaxErrorChars];
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).ReplaceLineEndings(" ").Trim();
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}{(text.Length > 0 ? ": " + text : "")}");
        }
    }
}
