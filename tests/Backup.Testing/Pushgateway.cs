using System.Globalization;
using System.Text.RegularExpressions;

namespace Backup.Testing;

/// <summary>The test Pushgateway (BACKUP_TEST_PUSHGATEWAY_URL, started by scripts/test-servers.sh): scrapes its <c>/metrics</c> as Prometheus would.</summary>
public static partial class Pushgateway
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The gateway's base URL (default http://127.0.0.1:14920).</summary>
    public static string Url => Environment.GetEnvironmentVariable("BACKUP_TEST_PUSHGATEWAY_URL") is { Length: > 0 } url ? url.TrimEnd('/') : "http://127.0.0.1:14920";

    /// <summary>A job name no other test uses, so tests never see each other's groups.</summary>
    public static string UniqueJob(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Every sample of <paramref name="job"/> the gateway exposes, by series name; labels as parsed.</summary>
    public static async Task<IReadOnlyList<Sample>> ScrapeAsync(string job, string? url = null)
    {
        var text = await Http.GetStringAsync($"{url ?? Url}/metrics");
        return text.Split('\n')
            .Select(line => SampleLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new Sample(
                m.Groups["name"].Value,
                LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value),
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))
            .Where(s => s.Labels.GetValueOrDefault("job") == job)
            .ToList();
    }

    /// <summary>Deletes the group of <paramref name="command"/> of <paramref name="job"/>, as docs/monitoring.md tells operators to for a removed job.</summary>
    public static async Task DeleteGroupAsync(string job, string command)
    {
        using var response = await Http.DeleteAsync($"{Url}/metrics/job/{job}/command/{command}");
        response.EnsureSuccessStatusCode();
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    /// <summary>One sample: series name, labels, value.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
