using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Backup.Host.Progress;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Logging;

/// <summary>Renders one log record as one line of JSON, the same shape for log records, progress, command output and error lines.</summary>
/// <remarks>
/// <c>{"timestamp","level","category","job","backupId","phase","message","fields":{...},"exception"}</c>: job, backup id
/// and phase at the top level so a log collector can group a run's lines. Relaxed escaping keeps messages readable
/// (<c>-&gt;</c>, <c>'</c>); quotes, backslashes and control characters are still escaped, so a line never breaks.
/// </remarks>
internal static class JsonLogRecord
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the record and a newline to <paramref name="output"/>.</summary>
    public static void Write(
        TextWriter output,
        DateTimeOffset timestamp,
        LogLevel level,
        string category,
        RunStatus? status,
        string message,
        IEnumerable<KeyValuePair<string, object?>>? fields = null,
        string? exception = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("category", category);
            WriteIfSet(json, "job", status?.Job);
            WriteIfSet(json, "backupId", status?.BackupId);
            WriteIfSet(json, "phase", status?.Phase?.Name);
            json.WriteString("message", message);
            WriteFields(json, fields);
            WriteIfSet(json, "exception", exception);
            json.WriteEndObject();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n");
    }

    private static void WriteFields(Utf8JsonWriter json, IEnumerable<KeyValuePair<string, object?>>? fields)
    {
        // The message template's own key is noise; the rendered message is already there.
        var list = fields?.Where(f => f.Key != "{OriginalFormat}").ToList();
        if (list is not { Count: > 0 })
        {
            return;
        }

        json.WriteStartObject("fields");
        foreach (var (key, value) in list)
        {
            switch (value)
            {
                case null:
                    json.WriteNull(key);
                    break;
                case bool flag:
                    json.WriteBoolean(key, flag);
                    break;
                case int or long or short or byte or uint or ulong or ushort:
                    json.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case double or float or decimal:
                    json.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                    break;
                default:
                    json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }

        json.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }

    // The short names most log collectors map to severities.
    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "fatal",
    };
}
