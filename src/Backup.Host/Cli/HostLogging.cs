using Backup.Host.Logging;
using Backup.Host.Progress;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Backup.Host.Cli;

/// <summary>Creates the host's logger factory: single-line UTC logs on stderr (stdout stays free for command output).</summary>
internal static class HostLogging
{
    /// <summary>Set to <c>json</c> for one JSON object per line (log collectors in Kubernetes).</summary>
    public const string FormatVariable = "BACKUP_LOG_FORMAT";

    /// <summary>Whether <c>BACKUP_LOG_FORMAT=json</c>: then every line on stdout and stderr is a JSON object.</summary>
    public static bool IsJson => string.Equals(Environment.GetEnvironmentVariable(FormatVariable), "json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates the factory; dispose it before exiting so queued lines are flushed.</summary>
    /// <param name="verbose">Whether debug records are written.</param>
    /// <param name="status">The command's job, backup id and phase, which every JSON record carries.</param>
    public static ILoggerFactory Create(bool verbose, RunStatus status) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
            builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            if (IsJson)
            {
                builder.Services.AddSingleton(status);
                builder.Services.AddSingleton(TimeProvider.System);
                builder.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
                builder.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = JsonLogFormatter.FormatterName);
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
