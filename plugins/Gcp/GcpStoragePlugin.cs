using Backup.Abstractions;

namespace Backup.Plugins.Gcp;

/// <summary>The <c>gcp</c> storage: objects in a Google Cloud Storage bucket.</summary>
public sealed class GcpStoragePlugin : IBackupStoragePlugin
{
    /// <inheritdoc />
    public string Name => "gcp";

    /// <inheritdoc />
    public IBackupStorage CreateStorage(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Only settings are read here: credentials are looked up and the client built on first use, so
        // `backup validate` works where no credential is mounted and never touches the network.
        var settings = GcsSettings.Read(context.Settings);
        context.Settings.ThrowIfInvalid();
        return new GcsStorage(settings);
    }
}
