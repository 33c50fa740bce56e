using Azure.Storage.Blobs;
using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.Azure.Tests.Support;

/// <summary>The Azurite blob service scripts/test-servers.sh started, and the one container the tests share.</summary>
internal static class Azurite
{
    /// <summary>The container every test writes into, each under its own prefix.</summary>
    public const string Container = "backups";

    private static readonly Lazy<Task<BlobContainerClient>> Shared = new(async () =>
    {
        // The plugin reads the connection string from this variable, as it would in a pod.
        Environment.SetEnvironmentVariable(TestServers.AzuriteConnectionStringVariable, TestServers.AzuriteConnectionString);
        var container = new BlobServiceClient(TestServers.AzuriteConnectionString).GetBlobContainerClient(Container);
        try
        {
            await container.CreateIfNotExistsAsync();
        }
        catch (Exception ex) when (ex is global::Azure.RequestFailedException or AggregateException)
        {
            throw new InvalidOperationException($"Azurite is not answering at {TestServers.AzuriteBlobUrl}; start it with scripts/test-servers.sh up or set BACKUP_TEST_AZURITE_URL.", ex);
        }

        return container;
    });

    /// <summary>The shared container, created on first use.</summary>
    public static Task<BlobContainerClient> ContainerAsync() => Shared.Value;

    /// <summary>Spec settings for the shared container, plus any extra ones.</summary>
    public static Dictionary<string, string> Settings(string container = Container, string variable = TestServers.AzuriteConnectionStringVariable) =>
        new() { ["container"] = container, ["connectionStringEnv"] = variable };

    /// <summary>The same settings as a plugin section, as the host builds it from a spec.</summary>
    public static PluginSettings Section(IReadOnlyDictionary<string, string> settings) =>
        SettingsBuilder.From(settings.ToDictionary(s => s.Key, s => (object)s.Value), "storage.settings");
}
