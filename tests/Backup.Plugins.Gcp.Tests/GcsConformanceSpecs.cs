using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Plugins.Gcp.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.Gcp.Tests;

/// <summary>The storage contract, run against the GCS JSON API test server (resumable uploads of 1 MiB chunks).</summary>
[Collection(MemoryBoundCollection.Name)]
public sealed class GcsConformanceSpecs : StorageConformanceTests, IAsyncLifetime
{
    private Dictionary<string, string> _settings = null!;

    protected override IBackupStoragePlugin Plugin { get; } = new GcpStoragePlugin();

    protected override PluginSettings CreateSettings() => Gcs.Section(new Dictionary<string, string>(_settings) { ["chunkSizeMiB"] = "1" });

    protected override PluginSettings CreateMissingContainerSettings() => Gcs.Section(new Dictionary<string, string>(_settings) { ["bucket"] = $"missing-{Guid.NewGuid():N}" });

    public async Task InitializeAsync() => _settings = await Gcs.SettingsAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
