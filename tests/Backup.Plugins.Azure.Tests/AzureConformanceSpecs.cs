using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Plugins.Azure.Tests.Support;

namespace Backup.Plugins.Azure.Tests;

/// <summary>The storage contract, run against Azurite; the large object is 300 MB, dozens of blocks of a stream of unknown length.</summary>
[Collection(MemoryBoundCollection.Name)]
public sealed class AzureConformanceSpecs : StorageConformanceTests, IAsyncLifetime
{
    protected override IBackupStoragePlugin Plugin { get; } = new AzureStoragePlugin();

    protected override long LargeObjectSize => 300L * 1024 * 1024;

    protected override PluginSettings CreateSettings() => Azurite.Section(Azurite.Settings());

    protected override PluginSettings CreateMissingContainerSettings() => Azurite.Section(Azurite.Settings($"missing-{Guid.NewGuid():N}"));

    public Task InitializeAsync() => Azurite.ContainerAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
