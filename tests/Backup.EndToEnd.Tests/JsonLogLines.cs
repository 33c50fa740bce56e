using System.Text.Json;

namespace Backup.EndToEnd.Tests;

/// <summary>Reads the host's output under <c>BACKUP_LOG_FORMAT=json</c>: every line must be one JSON object.</summary>
internal static class JsonLogLines
{
    /// <summary>Parses each non-empty line of <paramref name="text"/>; fails the test on a line that is not a JSON object.</summary>
    public static List<JsonElement> Parse(string text, string stream)
    {
        var records = new List<JsonElement>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonElement record;
            try
            {
                record = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new Xunit.Sdk.XunitException($"a line on {stream} is not JSON ({ex.Message}): {line}");
            }

            record.ValueKind.Should().Be(JsonValueKind.Object, $"every line on {stream} is one JSON object: {line}");
            records.Add(record);
        }

        return records;
    }

    /// <summary>The string property <paramref name="name"/>, or null.</summary>
    public static string? Text(this JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The record's <c>fields</c> object's property <paramref name="name"/>, if there.</summary>
    public static JsonElement? Field(this JsonElement record, string name) =>
        record.TryGetProperty("fields", out var fields) && fields.TryGetProperty(name, out var value) ? value : null;
}
