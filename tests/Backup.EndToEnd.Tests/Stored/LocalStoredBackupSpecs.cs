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
}
