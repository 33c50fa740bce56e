using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Backup.Host.Cli;

/// <summary>Creates the host's logger factory: single-line UTC logs on stderr (stdout stays free for command output).</summary>
internal static class HostLogging
{
    /// <summary>Set to <c>json</c> for one JSON object per line (log collectors in Kubernetes).</summary>
    public const string FormatVariable = "BACKUP_LOG_FORMAT";

    /// <summary>Creates the factory; dispose it before exiting so queued lines are flushed.</summary>
    public static ILoggerFactory Create(bool verbose) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
            builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            if (string.Equals(Environment.GetEnvironmentVariable(FormatVariable), "json", StringComparison.OrdinalIgnoreCase))
            {
                builder.AddJsonConsole(options => options.UseUtcTimestamp = true);
            }
            else
            {
                builder.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
                    options.ColorBehavior = LoggerColorBehavior.Disabled;
                });
            }
        });
}
