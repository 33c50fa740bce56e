using System.Globalization;
using System.Text;

namespace Backup.Host.Monitoring;

/// <summary>Renders an outcome as the Prometheus text exposition format (0.0.4): the series one push sends.</summary>
/// <remarks>
/// Only the series the outcome has are rendered, and the push is a POST, which replaces only series of the same
/// name in the group: a failed run sends attempt, exit code and duration and leaves the last success's timestamp
/// and sizes as they were. <c>job</c> and <c>command</c> come from the grouping key, so they are not written here.
/// </remarks>
internal static class MetricsExposition
{
    /// <summary>When the command last ended, success or not (Unix seconds).</summary>
    public const string LastAttempt = "backup_last_attempt_timestamp_seconds";

    /// <summary>When the command last succeeded (Unix seconds); never touched by a failure.</summary>
    public const string LastSuccess = "backup_last_success_timestamp_seconds";

    /// <summary>The last attempt's exit code (0 success).</summary>
    public const string LastExitCode = "backup_last_exit_code";

    /// <summary>How long the last attempt took.</summary>
    public const string LastDuration = "backup_last_duration_seconds";

    /// <summary>The last successful run's archive size.</summary>
    public const string StoredBytes = "backup_stored_bytes";

    /// <summary>The raw size of what the last successful run's source wrote.</summary>
    public const string SourceBytes = "backup_source_bytes";

    /// <summary>Raw bytes per stored byte of the last successful run.</summary>
    public const string CompressionRatio = "backup_compression_ratio";

    /// <summary>When <c>verify</c> last proved a backup restorable (Unix seconds).</summary>
    public const string LastVerified = "backup_last_verified_timestamp_seconds";

    /// <summary>When <c>drill</c> last loaded a backup into a scratch server and found what its manifest records (Unix seconds).</summary>
    public const string LastDrilled = "backup_last_drilled_timestamp_seconds";

    /// <summary>The exposition text for <paramref name="outcome"/>.</summary>
    public static string Render(CommandOutcome outcome)
    {
        var text = new StringBuilder();
        var labels = $"{{source=\"{Escape(outcome.Source)}\",storage=\"{Escape(outcome.Storage)}\"}}";
        void Gauge(string name, string help, double value) =>
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name}{labels} {value.ToString("R", CultureInfo.InvariantCulture)}\n");

        var finished = outcome.FinishedAt.ToUnixTimeMilliseconds() / 1000.0;
        Gauge(LastAttempt, "When the command last ended, success or not (Unix time).", finished);
        Gauge(LastExitCode, "The last attempt's exit code (0 success, 2-9 the failure's kind, 143 SIGTERM).", outcome.ExitCode);
        Gauge(LastDuration, "How long the last attempt took.", outcome.Duration.TotalSeconds);
        if (!outcome.Succeeded)
        {
            return text.ToString();
        }

        Gauge(LastSuccess, "When the command last succeeded (Unix time).", finished);
        if (outcome.Command == "run")
        {
            if (outcome.StoredBytes is { } stored)
            {
                Gauge(StoredBytes, "The last successful backup's archive size.", stored);
            }

            if (outcome.SourceBytes is { } raw)
            {
                Gauge(SourceBytes, "The raw size of what the last successful backup's source wrote.", raw);
            }

            if (outcome.CompressionRatio is { } ratio)
            {
                Gauge(CompressionRatio, "Raw bytes per stored byte of the last successful backup.", ratio);
            }
        }
        else if (outcome.Command == "verify")
        {
            Gauge(LastVerified, "When verify last proved a backup restorable (Unix time).", finished);
        }
        else if (outcome.Command == "drill")
        {
            Gauge(LastDrilled, "When drill last loaded a backup and found what its manifest records (Unix time).", finished);
        }

        return text.ToString();
    }

    // The text format's label value escapes: backslash, double quote and line feed.
    /// <summary>A label value as the text format writes it: backslash, quote and newline escaped.</summary>
    public static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
