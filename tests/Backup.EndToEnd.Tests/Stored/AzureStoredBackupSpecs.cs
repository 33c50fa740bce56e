using Azure.Storage.Blobs;
using Backup.Plugins.Azure;
using Backup.Testing;

namespace Backup.EndToEnd.Tests.Stored;

/// <summary>The stored-backup specs against the <c>azure</c> storage on Azurite, the connection string in BACKUP_TEST_AZURITE_CONNECTION_STRING as in a pod.</summary>
[Collection(RestoreTargetCollection.Name)]
public sealed class AzureStoredBackupSpecs : CreateOnlyStoredBackupSpecs
{
    private const string Container = "stored-e2e";

    protected override StorageUnderTest Storage => new(
        "azure",
        "Backup.Plugins.Azure",
        new Dictionary<string, object> { ["container"] = Container, ["connectionStringEnv"] = TestServers.AzuriteConnectionStringVariable },
        () => new AzureStoragePlugin());

    protected override async Task PrepareStorageAsync()
    {
        // The plugin reads the variable; set it for this process (the host processes inherit it) when only the URL was given.
        Environment.SetEnvironmentVariable(TestServers.AzuriteConnectionStringVariable, TestServers.AzuriteConnectionString);
        await new BlobServiceClient(TestServers.AzuriteConnectionString).GetBlobContainerClient(Container).CreateIfNotExistsAsync();
    }
}
