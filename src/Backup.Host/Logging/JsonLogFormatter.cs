using Backup.Host.Progress;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Backup.Host.Logging;

/// <summary>The console logger's formatter for <c>BACKUP_LOG_FORMAT=json</c>: each record, the host's and the plugins', as one <see cref="JsonLogRecord"/> line.</summary>
/// <remarks>Unlike the stock JSON formatter it puts the run's job, backup id and phase at the top level of every record.</remarks>
internal sealed class JsonLogFormatter(RunStatus status, TimeProvider clock) : ConsoleFormatter(FormatterName)
{
    /// <summary>The name the console logger selects this formatter by.</summary>
    public const string FormatterName = "backup-json";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        JsonLogRecord.Write(
            textWriter,
            clock.GetUtcNow(),
            logEntry.LogLevel,
            logEntry.Category,
            status,
            message,
            logEntry.State as IEnumerable<KeyValuePair<string, object?>>,
            logEntry.Exception?.ToString());
    }
}
