using Backup.Plugins.Local;

namespace Backup.EndToEnd.Tests.Stored;

/// <summary>The stored-backup specs against the <c>local</c> storage (a directory).</summary>
[Collection(RestoreTargetCollection.Name)]
public sealed class LocalStoredBackupSpecs : CreateOnlyStoredBackupSpecs
{
    protected override StorageUnderTest Storage => new(
        "local",
        "Backup.Plugins.Local",
        new Dictionary<string, object> { ["path"] = Dir.Combine("store") },
        () => new LocalStoragePlugin());

    // An upload writes a hidden temporary file beside its key, which listings leave out.
    protected override Task<IReadOnlyList<string>> UnfinishedUploadsAsync(string prefix) =>
        Task.FromResult<IReadOnlyList<string>>(
            Directory.Exists(Dir.Combine("store", prefix)) ? Directory.GetFiles(Dir.Combine("store", prefix), ".*", SearchOption.AllDirectories) : []);
}
