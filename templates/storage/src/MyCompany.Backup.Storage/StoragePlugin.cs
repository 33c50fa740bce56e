using Backup.Abstractions;

namespace MyCompany.Backup.Storage;

/// <summary>Storage <c>example-storage</c>: the plugin's one public type, which the host finds and creates.</summary>
/// <remarks>Settings: <c>path</c> (required, absolute), a directory that must exist; objects are files below it.</remarks>
public sealed class StoragePlugin : IBackupStoragePlugin
{
    /// <summary>What a job spec writes: <c>storage: {plugin: example-storage}</c>.</summary>
    public string Name => "example-storage";

    /// <summary>Reads and checks the settings; touches nothing (`backup validate` calls this too, maybe on another machine).</summary>
    public IBackupStorage CreateStorage(PluginContext context)
    {
        // Read every setting before throwing, so the user sees all mistakes at once; the host reports keys never read.
        var settings = context.Settings;
        var path = settings.GetRequiredAbsolutePath("path");
        settings.ThrowIfInvalid();
        return new DirectoryStorage(Path.GetFullPath(path));
    }
}
