using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>A real Prometheus (Debian's <c>prometheus</c>) on 127.0.0.1 scraping the test Pushgateway every second and evaluating deploy/monitoring's rules every second.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Process _process;
    private readonly TempDir _dir;

    private PrometheusServer(Process process, TempDir dir, string url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    /// <summary>Its base URL.</summary>
    public string Url { get; }

    /// <summary>Starts Prometheus and waits (with a deadline) until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(params string[] rulesFiles)
    {
        var dir = new TempDir("backup-prometheus-");
        var pushgateway = new Uri(Pushgateway.Url);
        File.WriteAllText(dir.Combine("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
            {string.Join("\n", rulesFiles.Select(f => $"  - {f}"))}
            scrape_configs:
              - job_name: pushgateway
                # Keeps the pushed job label (the spec's name) instead of renaming it exported_job.
                honor_labels: true
                static_configs:
                  - targets: ['{pushgateway.Authority}']
            """);
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("prometheus")
        {
            ArgumentList = { $"--config.file={dir.Combine("prometheus.yml")}", $"--storage.tsdb.path={dir.Combine("data")}", $"--web.listen-address={url[7..]}" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        var server = new PrometheusServer(process, dir, url);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await server.IsReadyAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus did not become ready on {url}: {(process.HasExited ? await log : "(still starting)")}");
            }

            await Task.Delay(100);
        }

        return server;
    }

    /// <summary>The alerts Prometheus holds now, as (name, state, labels).</summary>
    public async Task<IReadOnlyList<(string Name, string State, IReadOnlyDictionary<string, string> Labels)>> AlertsAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"{Url}/api/v1/alerts"));
        return document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => (
                a.GetProperty("labels").GetProperty("alertname").GetString()!,
                a.GetProperty("state").GetString()!,
                (IReadOnlyDictionary<string, string>)a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)))
            .ToList();
    }

    /// <summary>Polls <see cref="AlertsAsync"/> until <paramref name="condition"/> holds; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAlertsAsync(Func<IReadOnlyList<(string Name, string State, IReadOnlyDictionary<string, string> Labels)>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<(string Name, string State, IReadOnlyDictionary<string, string> Labels)> alerts;
        while (!condition(alerts = await AlertsAsync()))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; alerts: {string.Join("; ", alerts.Select(a => $"{a.Name} {a.State} {string.Join(",", a.Labels.Select(l => $"{l.Key}={l.Value}"))}"))}");
            }

            await Task.Delay(200);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync($"{Url}/-/ready");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
