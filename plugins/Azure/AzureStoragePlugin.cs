using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>The <c>azure</c> storage: block blobs in an Azure Blob Storage container.</summary>
public sealed class AzureStoragePlugin : IBackupStoragePlugin
{
    /// <inheritdoc />
    public string Name => "azure";

    /// <inheritdoc />
    public IBackupStorage CreateStorage(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Only settings are read here: the secret (if any) is read and the client created on first use, so
        // `backup validate` works where the secret is not mounted and never touches the network.
        var settings = AzureSettings.Read(context.Settings);
        context.Settings.ThrowIfInvalid();
        return new AzureBlobStorage(settings, new AzureClientFactory(settings));
    }
}
