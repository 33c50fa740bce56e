using System.Globalization;
using System.Text.Json;

namespace Backup.Host.Monitoring;

/// <summary>The JSON a webhook receives: the outcome's facts, flat, plus an optional Slack-compatible <c>text</c>.</summary>
/// <param name="Type">The event, e.g. <c>backup.run.failed</c> (Standard Webhooks names events this way).</param>
/// <param name="Job">The spec's name.</param>
/// <param name="Command">The command.</param>
/// <param name="Status"><c>success</c> or <c>failure</c>.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Error">The one error line, on failure.</param>
/// <param name="BackupId">The backup, when known.</param>
/// <param name="DurationSeconds">How long the command took.</param>
/// <param name="StoredBytes">The archive's size, when known.</param>
/// <param name="SourceBytes">The raw size, when known.</param>
/// <param name="Location">Where the backup is.</param>
/// <param name="Node">The database node the source read from.</param>
/// <param name="Source">The source plugin.</param>
/// <param name="Storage">The storage plugin.</param>
/// <param name="Host">The machine (in Kubernetes the pod) that ran the command.</param>
/// <param name="StartedAt">When the command started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Text">A one-line summary for chat webhooks (Slack, Mattermost, Rocket.Chat read <c>text</c>); only when asked for.</param>
internal sealed record WebhookBody(
    string Type,
    string Job,
    string Command,
    string Status,
    int ExitCode,
    string? Error,
    string? BackupId,
    double DurationSeconds,
    long? StoredBytes,
    long? SourceBytes,
    string? Location,
    string? Node,
    string Source,
    string Storage,
    string Host,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string? Text)
{
    /// <summary>The body for <paramref name="outcome"/>, UTF-8 JSON.</summary>
    public static byte[] Render(CommandOutcome outcome, bool slackText)
    {
        var status = outcome.Succeeded ? "success" : "failure";
        var body = new WebhookBody(
            $"backup.{outcome.Command}.{(outcome.Succeeded ? "succeeded" : "failed")}",
            outcome.Job, outcome.Command, status, outcome.ExitCode, outcome.Error, outcome.BackupId,
            Math.Round(outcome.Duration.TotalSeconds, 3), outcome.StoredBytes, outcome.SourceBytes, outcome.Location, outcome.Node,
            outcome.Source, outcome.Storage, Environment.MachineName, outcome.StartedAt, outcome.FinishedAt,
            slackText ? Summary(outcome) : null);
        return JsonSerializer.SerializeToUtf8Bytes(body, WebhookJsonContext.Default.WebhookBody);
    }

    private static string Summary(CommandOutcome outcome)
    {
        var duration = outcome.Duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var backup = outcome.BackupId is null ? "" : $" {outcome.BackupId}";
        return outcome.Succeeded
            ? $":white_check_mark: backup {outcome.Command} of job {outcome.Job} succeeded in {duration} s:{backup}{(outcome.StoredBytes is { } size ? $" ({size.ToString("N0", CultureInfo.InvariantCulture)} bytes)" : "")} on {Environment.MachineName}"
            : $":x: backup {outcome.Command} of job {outcome.Job} FAILED (exit {outcome.ExitCode}) after {duration} s on {Environment.MachineName}: {outcome.Error}";
    }
}
