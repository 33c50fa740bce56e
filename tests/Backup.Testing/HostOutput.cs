using System.Text.Json;

namespace Backup.Testing;

/// <summary>Reads the host's stdout or stderr as text lines, whether it printed them plain or, with <c>BACKUP_LOG_FORMAT=json</c>, as JSON records.</summary>
public static class HostOutput
{
    /// <summary>Each non-empty line; a JSON record's line gives its <c>message</c>.</summary>
    public static List<string> Lines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Message)];

    private static string Message(string line)
    {
        if (!line.StartsWith('{'))
        {
            return line;
        }

        try
        {
            using var record = JsonDocument.Parse(line);
            return record.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString()! : line;
        }
        catch (JsonException)
        {
            return line;
        }
    }
}
