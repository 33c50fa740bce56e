using System.Reflection;
using System.Security.Cryptography;
using Backup.Abstractions;
using Backup.Sdk.Tests.Support;
using Backup.Testing;

namespace Backup.Sdk.Tests;

/// <summary>
/// Once per test run: packs the contract, the conformance kit and the templates into a local feed, builds the sample plugin against
/// the package, and does the same against a contract one minor "from the future" — the slow part, measured.
/// </summary>
public sealed class SdkFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new("backup-sdk-");

    /// <summary>The contract version of the host (and of the Backup.Abstractions this test references).</summary>
    public static string HostContractVersion { get; } =
        typeof(IBackupPlugin).Assembly.GetCustomAttribute<BackupContractAttribute>()!.Version;

    /// <summary>A contract the host must refuse: same major, higher minor.</summary>
    public static string NewerContractVersion { get; } = $"{HostContractVersion.Split('.')[0]}.99.0";

    /// <summary>The workspace holding the current packages (<c>artifacts/packages</c>) and the sample built against them.</summary>
    public string Current => _dir.Combine("current");

    /// <summary>The workspace holding the newer-contract package and the sample built against it.</summary>
    public string Newer => _dir.Combine("newer");

    /// <summary>The published sample plugin folder, built against the current contract package.</summary>
    public string SamplePluginFolder { get; private set; } = "";

    /// <summary>The published sample plugin folder, built against the newer contract package.</summary>
    public string NewerSamplePluginFolder { get; private set; } = "";

    /// <summary>SHA-1 of the published host's assembly before anything was packed or built.</summary>
    public string HostHashBefore { get; private set; } = "";

    /// <summary>What each step took, for the test output (a measurement, never an assertion).</summary>
    public IReadOnlyList<string> Timings { get; private set; } = [];

    /// <summary>A directory for one test's plugins folder and files.</summary>
    public string NewTestDirectory() => Directory.CreateDirectory(_dir.Combine("tests", Guid.NewGuid().ToString("N"))).FullName;

    public async Task InitializeAsync()
    {
        HostHashBefore = await HostHashAsync();

        // Two independent chains (separate feeds, build dirs and package caches), so they may run side by side.
        var current = Task.Run(async () =>
        {
            // The script a plugin author runs, into a folder outside the checkout.
            var pack = await DotNet.ScriptAsync("build/pack.sh", "--build-dir", Path.Combine(Current, "contract-build"), SamplePlugin.FeedOf(Current));
            var (folder, publish) = await SamplePlugin.PublishAsync(Current, HostContractVersion);
            return (folder, $"build/pack.sh (Abstractions + PluginTesting + Templates {HostContractVersion}): {pack.TotalSeconds:F1} s; publish sample: {publish.TotalSeconds:F1} s");
        });
        var newer = Task.Run(async () =>
        {
            var pack = await DotNet.ScriptAsync("build/pack.sh", "--contract-version", NewerContractVersion, "--build-dir", Path.Combine(Newer, "contract-build"), SamplePlugin.FeedOf(Newer));
            var (folder, publish) = await SamplePlugin.PublishAsync(Newer, NewerContractVersion);
            return (folder, $"build/pack.sh --contract-version {NewerContractVersion}: {pack.TotalSeconds:F1} s; publish sample: {publish.TotalSeconds:F1} s");
        });
        var started = DateTime.UtcNow;
        (SamplePluginFolder, var currentTiming) = await current;
        (NewerSamplePluginFolder, var newerTiming) = await newer;
        Timings = [currentTiming, newerTiming, $"both, side by side: {(DateTime.UtcNow - started).TotalSeconds:F1} s"];
    }

    /// <summary>SHA-1 of the published host's <c>backup.dll</c>.</summary>
    public static async Task<string> HostHashAsync()
    {
        var dll = Path.Combine(await PublishedHost.DirectoryAsync(), "backup.dll");
        return Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(dll)));
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
