using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.Local;

/// <summary>The <c>local</c> storage: a directory (a mounted volume, an NFS share) — the default that needs no cloud account.</summary>
public sealed class LocalStoragePlugin : IBackupStoragePlugin
{
    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public IBackupStorage CreateStorage(PluginContext context)
    {
        var path = context.Settings.GetRequiredString("path");
        context.Settings.ThrowIfInvalid();
        return new LocalStorage(Path.GetFullPath(path), context.LoggerFactory.CreateLogger("Backup.Plugins.Local"));
    }
}
