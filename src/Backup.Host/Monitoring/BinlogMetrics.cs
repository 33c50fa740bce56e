using System.Globalization;
using System.Text;
using Backup.Host.Spec;

namespace Backup.Host.Monitoring;

/// <summary>What <c>backup binlogs</c> pushes after every round, to the job's group for command <c>binlogs</c>: how far the archive reaches and whether the archiver is alive.</summary>
/// <remarks>
/// A long-running command has no single outcome, so it pushes its state each round instead. The archive lag is what
/// an alert wants: <c>time() - backup_binlog_last_round_success_timestamp_seconds</c> says a stalled archiver (the
/// failure the issue names: archiving that stops after a fail-over while looking healthy), and
/// <c>backup_binlog_recoverable_timestamp_seconds</c> is the latest point a restore can reach.
/// </remarks>
internal static class BinlogMetrics
{
    /// <summary>The newest archived transaction's time: the latest point a restore can reach (Unix seconds).</summary>
    public const string Recoverable = "backup_binlog_recoverable_timestamp_seconds";

    /// <summary>The newest archived transaction's sequence number (MariaDB: the GTID's).</summary>
    public const string LastSequence = "backup_binlog_last_archived_sequence";

    /// <summary>When a round last succeeded (Unix seconds).</summary>
    public const string LastRoundSuccess = "backup_binlog_last_round_success_timestamp_seconds";

    /// <summary>Seconds between the newest archived transaction and the end of the last successful round.</summary>
    public const string Lag = "backup_binlog_archive_lag_seconds";

    /// <summary>Whether the last round failed (1) or not (0).</summary>
    public const string LastRoundFailed = "backup_binlog_last_round_failed";

    /// <summary>The text for a round that ended at <paramref name="now"/>; the success-only series are left out after a failure, so the gateway keeps the last success's.</summary>
    public static string Render(JobSpec spec, bool succeeded, DateTimeOffset now, long? lastSequence, DateTimeOffset? lastEventTime)
    {
        var text = new StringBuilder();
        var labels = $"{{source=\"{MetricsExposition.Escape(spec.Source.Plugin)}\",storage=\"{MetricsExposition.Escape(spec.Storage.Plugin)}\"}}";
        void Gauge(string name, string help, double value) =>
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name}{labels} {value.ToString("R", CultureInfo.InvariantCulture)}\n");

        Gauge(LastRoundFailed, "Whether the last binlog archiving round failed.", succeeded ? 0 : 1);
        if (!succeeded)
        {
            return text.ToString();
        }

        Gauge(LastRoundSuccess, "When a binlog archiving round last succeeded (Unix time).", now.ToUnixTimeMilliseconds() / 1000.0);
        if (lastSequence is { } sequence && lastEventTime is { } time)
        {
            Gauge(Recoverable, "When the newest archived transaction was logged: the latest point a restore can reach (Unix time).", time.ToUnixTimeSeconds());
            Gauge(LastSequence, "The newest archived transaction's sequence number.", sequence);
            Gauge(Lag, "Seconds between the newest archived transaction and the end of the last successful round.", Math.Max(0, (now - time).TotalSeconds));
        }

        return text.ToString();
    }
}
