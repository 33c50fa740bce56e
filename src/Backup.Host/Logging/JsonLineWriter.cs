using Backup.Host.Progress;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Logging;

/// <summary>Standard output or error for <c>BACKUP_LOG_FORMAT=json</c>: each line written (command output, error lines) becomes one <see cref="JsonLogRecord"/>.</summary>
/// <remarks>
/// So that every line of a run is JSON, not only the logger's: the result line, the final <c>error: </c> line (level
/// <c>error</c>), a failed push's or notification's <c>warning: </c> line (level <c>warn</c>) and the text System.CommandLine prints. A line is emitted when its newline is written; whatever is
/// left without one is emitted on <see cref="Flush"/>.
/// </remarks>
internal sealed class JsonLineWriter(TextWriter inner, string category, RunStatus status, TimeProvider clock) : TextWriter
{
    private const string ErrorPrefix = "error: ";
    private const string WarningPrefix = "warning: ";

    private readonly Lock _lock = new();
    private readonly System.Text.StringBuilder _line = new();

    /// <inheritdoc />
    public override System.Text.Encoding Encoding => inner.Encoding;

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (_lock)
        {
            if (value == '\n')
            {
                Emit();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        lock (_lock)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <summary>Writes <paramref name="value"/> as one record, also when it spans several lines (a stack trace with <c>--verbose</c>).</summary>
    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            _line.Append(value?.ReplaceLineEndings("\n"));
            Emit();
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_lock)
        {
            if (_line.Length > 0)
            {
                Emit();
            }

            inner.Flush();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void Emit()
    {
        var text = _line.ToString();
        _line.Clear();
        var level = text.StartsWith(ErrorPrefix, StringComparison.Ordinal) ? LogLevel.Error
            : text.StartsWith(WarningPrefix, StringComparison.Ordinal) ? LogLevel.Warning
            : LogLevel.Information;
        JsonLogRecord.Write(inner, clock.GetUtcNow(), level, category, status, text);
        inner.Flush();
    }
}
