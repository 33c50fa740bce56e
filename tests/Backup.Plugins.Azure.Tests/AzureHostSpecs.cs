using Azure.Storage.Blobs.Models;
using Backup.Abstractions;
using Backup.Plugins.Azure.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.Azure.Tests;

/// <summary>The published host with the azure plugin against Azurite: exit codes, one-line errors, a SIGKILL mid-upload, a real MariaDB backup.</summary>
public sealed class AzureHostSpecs : HostStorageSpecs, IAsyncLifetime
{
    private const string WrongKeyVariable = "BACKUP_TEST_AZURE_WRONG_KEY_CONNECTION_STRING";

    // A well-formed key that is not Azurite's: every signed request fails with 403.
    private static readonly string WrongKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());

    protected override string PluginFolder => "Backup.Plugins.Azure";

    protected override IBackupStoragePlugin Plugin { get; } = new AzureStoragePlugin();

    protected override StorageCase Working => new(
        Azurite.Container,
        Azurite.Settings(),
        new Dictionary<string, string?> { [TestServers.AzuriteConnectionStringVariable] = TestServers.AzuriteConnectionString });

    protected override StorageCase MissingContainer => Working with
    {
        Container = "missing-container-e2e",
        Settings = Azurite.Settings("missing-container-e2e"),
    };

    protected override StorageCase BadCredentials => new(
        Azurite.Container,
        Azurite.Settings(variable: WrongKeyVariable),
        new Dictionary<string, string?> { [WrongKeyVariable] = TestServers.AzuriteConnectionStringWithKey(WrongKey) },
        WrongKey);

    protected override string ExpectedLocationOf(string key) => $"{TestServers.AzuriteBlobUrl}/{Azurite.Container}/{key}";

    protected override string LocationThrough(int port) =>
        $"{TestServers.AzuriteBlobUrl.Replace($":{ServerPort}/", $":{port}/", StringComparison.Ordinal)}/{Azurite.Container}";

    protected override int ServerPort => new Uri(TestServers.AzuriteBlobUrl).Port;

    protected override StorageCase Through(int port) => Working with
    {
        Environment = new Dictionary<string, string?>
        {
            [TestServers.AzuriteConnectionStringVariable] = TestServers.AzuriteConnectionString.Replace($":{ServerPort}/", $":{port}/", StringComparison.Ordinal),
        },
    };

    public Task InitializeAsync() => Azurite.ContainerAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override async Task<(string ContentType, string? Sha1)> ReadPropertiesAsync(string key)
    {
        var container = await Azurite.ContainerAsync();
        var properties = (await container.GetBlobClient(key).GetPropertiesAsync()).Value;
        return (properties.ContentType, properties.Metadata.TryGetValue("sha1", out var sha1) ? sha1 : null);
    }

    protected override async Task<bool> UploadInProgressAsync(string prefix)
    {
        // Uncommitted blocks make a blob that only a listing that asks for uncommitted blobs shows.
        var container = await Azurite.ContainerAsync();
        var committed = new HashSet<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, default))
        {
            committed.Add(blob.Name);
        }

        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.Uncommitted, prefix, default))
        {
            if (!committed.Contains(blob.Name))
            {
                return true;
            }
        }

        return false;
    }

    protected override IReadOnlyDictionary<string, string> SlowUpload(IReadOnlyDictionary<string, string> settings) =>
        new Dictionary<string, string>(settings) { ["blockSizeMiB"] = "1", ["maxConcurrency"] = "1" };
}
