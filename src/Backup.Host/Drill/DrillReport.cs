using System.Globalization;
using System.Text.Json;

namespace Backup.Host.Drill;

/// <summary>What a drill found: printed as a table or JSON, and the drill's outcome (time and result) a metrics exporter pushes.</summary>
/// <param name="BackupId">The backup drilled.</param>
/// <param name="Target">The scratch server it was loaded into, <c>host:port</c>.</param>
/// <param name="StartedAt">When the drill started (UTC).</param>
/// <param name="FinishedAt">When its checks ended (UTC).</param>
/// <param name="Result"><see cref="Passed"/>, <see cref="Failed"/> or <see cref="Unchecked"/>.</param>
/// <param name="Loaded">Whether this run loaded the backup (false with --check-only).</param>
/// <param name="Objects">How many objects the manifest's inventory lists.</param>
/// <param name="Tables">How many of them are tables whose rows were counted.</param>
/// <param name="Rows">The rows the manifest records over all tables.</param>
/// <param name="Differences">One line per difference between the manifest and the target.</param>
/// <param name="Note">Why nothing was compared (<see cref="Unchecked"/>), else null.</param>
internal sealed record DrillReport(
    string BackupId,
    string Target,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Result,
    bool Loaded,
    int Objects,
    int Tables,
    long Rows,
    IReadOnlyList<string> Differences,
    string? Note)
{
    /// <summary>Loaded, and the target holds exactly what the manifest records.</summary>
    public const string Passed = "passed";

    /// <summary>Loaded, but the target differs from the manifest.</summary>
    public const string Failed = "failed";

    /// <summary>Loaded, but the manifest has no inventory (an older backup, or a source that records none), so nothing was compared.</summary>
    public const string Unchecked = "unchecked";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the report as a few aligned lines, then one line per difference.</summary>
    public void WriteTable(TextWriter output)
    {
        var rows = Rows.ToString("N0", CultureInfo.InvariantCulture);
        output.WriteLine($"{"BACKUP",-8} {BackupId}");
        output.WriteLine($"{"TARGET",-8} {Target}");
        output.WriteLine($"{"LOADED",-8} {(Loaded ? "yes, without error" : "no (--check-only)")}");
        output.WriteLine($"{"CHECKED",-8} {(Note is null ? $"{Objects} objects, {Tables} tables, {rows} rows" : Note)}");
        output.WriteLine($"{"RESULT",-8} {Result}{(Differences.Count > 0 ? $" ({Differences.Count} differences)" : "")}");
        foreach (var difference in Differences)
        {
            output.WriteLine($"  {difference}");
        }
    }
}
