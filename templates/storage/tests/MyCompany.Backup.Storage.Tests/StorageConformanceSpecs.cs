using Backup.Abstractions;
using Backup.PluginTesting;

namespace MyCompany.Backup.Storage.Tests;

/// <summary>Every test of the conformance kit, run against the storage in a fresh directory.</summary>
/// <remarks>
/// Point the settings at your real server (an emulator on 127.0.0.1 is fine). Not run in parallel with other tests:
/// the kit's large-object test measures the whole process's memory.
/// </remarks>
[Collection(MemoryBoundCollection.Name)]
public sealed class StorageConformanceSpecs : StorageConformanceTests, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("storage-conformance-");

    protected override IBackupStoragePlugin Plugin { get; } = new StoragePlugin();

    protected override PluginSettings CreateSettings() => Settings(_root.FullName);

    /// <summary>For this store the "container" is the root directory: one that does not exist.</summary>
    protected override PluginSettings CreateMissingContainerSettings() => Settings(Path.Combine(_root.FullName, "no-such-directory"));

    public void Dispose() => _root.Delete(recursive: true);

    private static PluginSettings Settings(string path) =>
        new("storage.settings", "test.yaml:1:1", [new SettingValue("path", path, "test.yaml:2:3")]);
}
