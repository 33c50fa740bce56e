using System.Collections;
using System.Globalization;

namespace Backup.Host.Progress;

/// <summary>One progress report: a human line for text logs and the terminal, and its numbers as fields for JSON records.</summary>
/// <param name="Phase">The phase's name.</param>
/// <param name="Bytes">Bytes counted so far in the phase.</param>
/// <param name="Elapsed">Time since the phase started.</param>
/// <param name="Total">The phase's total, when known.</param>
/// <param name="TotalIsEstimate">Whether <paramref name="Total"/> is a source's estimate.</param>
internal sealed record ProgressRecord(string Phase, long Bytes, TimeSpan Elapsed, long? Total, bool TotalIsEstimate)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The average rate since the phase started, in bytes per second.</summary>
    public long BytesPerSecond => Elapsed.TotalSeconds > 0 ? (long)(Bytes / Elapsed.TotalSeconds) : 0;

    /// <summary>Percent done, 0-100, while the bytes are within the total; null without one (or past an estimate that was too low).</summary>
    public int? Percent => Total is { } total && Bytes <= total ? (int)(Bytes * 100 / total) : null;

    /// <summary>The time left at the average rate, when a percent is known and bytes moved.</summary>
    public TimeSpan? Eta => Percent is not null && BytesPerSecond > 0 ? TimeSpan.FromSeconds((Total!.Value - Bytes) / (double)BytesPerSecond) : null;

    /// <inheritdoc />
    public int Count => Fields().Count;

    /// <inheritdoc />
    public KeyValuePair<string, object?> this[int index] => Fields()[index];

    /// <summary>E.g. <c>dump: 1.2 GiB, 45.3 MiB/s, elapsed 0:00:27, ~38% of ~3.1 GiB, ETA 0:00:44</c>.</summary>
    public override string ToString()
    {
        var line = $"{Phase}: {Size(Bytes)}, {Size(BytesPerSecond)}/s, elapsed {Clock(Elapsed)}";
        if (Percent is { } percent)
        {
            var about = TotalIsEstimate ? "~" : "";
            line += $", {about}{percent}% of {about}{Size(Total!.Value)}";
            if (Eta is { } eta)
            {
                line += $", ETA {Clock(eta)}";
            }
        }

        return line;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Fields().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private List<KeyValuePair<string, object?>> Fields()
    {
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("bytes", Bytes),
            new("bytesPerSecond", BytesPerSecond),
            new("elapsedSeconds", (long)Elapsed.TotalSeconds),
        };
        if (Percent is { } percent)
        {
            fields.Add(new("totalBytes", Total));
            fields.Add(new("totalIsEstimate", TotalIsEstimate));
            fields.Add(new("percent", percent));
            if (Eta is { } eta)
            {
                fields.Add(new("etaSeconds", (long)eta.TotalSeconds));
            }
        }

        return fields;
    }

    private static string Clock(TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}");

    private static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
