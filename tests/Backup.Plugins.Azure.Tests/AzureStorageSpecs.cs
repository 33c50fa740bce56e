using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Plugins.Azure.Tests.Support;
using Backup.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Plugins.Azure.Tests;

/// <summary>What the azure plugin does beyond the common contract: settings, credentials, blocks, tiers, metadata.</summary>
public sealed class AzureStorageSpecs : IAsyncLifetime, IDisposable
{
    private readonly string _prefix = $"azure-{Guid.NewGuid():N}";
    private readonly TempDir _dir = new();
    private BlobContainerClient _container = null!;

    public async Task InitializeAsync() => _container = await Azurite.ContainerAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_settings_problem_is_reported_at_once()
    {
        var settings = Azurite.Section(new Dictionary<string, string> { ["blockSizeMiB"] = "0", ["accessTier"] = "Frozen" });

        var act = () => new AzureStoragePlugin().CreateStorage(new PluginContext(settings, NullLoggerFactory.Instance));

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().SatisfyRespectively(
            p => p.Should().Contain("storage.settings.container is required"),
            p => p.Should().Contain("storage.settings.accountUrl is required"),
            p => p.Should().Contain("storage.settings.accessTier must be one of Hot, Cool, Cold, Archive, not 'Frozen'"),
            p => p.Should().Contain("storage.settings.blockSizeMiB must be between 1 and 4000, not 0"));
    }

    [Theory]
    [InlineData("connectionStringEnv", "sasTokenEnv", "sasTokenEnv excludes connectionStringEnv")]
    [InlineData("accountUrl", "connectionStringEnv", "accountUrl must not be set with a connection string")]
    public void Conflicting_settings_are_refused(string first, string second, string problem)
    {
        var settings = Azurite.Section(new Dictionary<string, string> { ["container"] = "c", [first] = first == "accountUrl" ? "https://a.blob.core.windows.net" : "A", [second] = "B" });

        var act = () => new AzureStoragePlugin().CreateStorage(new PluginContext(settings, NullLoggerFactory.Instance));

        act.Should().Throw<BackupSettingsException>().Which.Message.Should().Contain(problem);
    }

    [Theory]
    [InlineData("https://a.blob.core.windows.net/?sv=2024&sig=abc", "must not carry a query string")]
    [InlineData("http://a.blob.core.windows.net", "must be https with DefaultAzureCredential")]
    [InlineData("a.blob.core.windows.net", "must be an http:// or https:// URL")]
    public void An_unusable_account_url_is_refused_before_anything_runs(string url, string problem)
    {
        var settings = Azurite.Section(new Dictionary<string, string> { ["container"] = "c", ["accountUrl"] = url });

        var act = () => new AzureStoragePlugin().CreateStorage(new PluginContext(settings, NullLoggerFactory.Instance));

        act.Should().Throw<BackupSettingsException>().Which.Message.Should().Contain(problem).And.NotContain("sig=abc");
    }

    [Fact]
    public async Task The_content_type_and_metadata_are_stored_with_the_blob()
    {
        var key = $"{_prefix}/meta.tar.gz";
        var metadata = new Dictionary<string, string> { ["sha1"] = "da39a3ee5e6b4b0d3255bfef95601890afd80709" };

        await Create().UploadAsync(key, new MemoryStream([1, 2, 3]), new UploadOptions("application/gzip", 3, metadata), default);

        var properties = (await _container.GetBlobClient(key).GetPropertiesAsync()).Value;
        properties.ContentType.Should().Be("application/gzip");
        properties.Metadata.Should().Contain("sha1", metadata["sha1"]);
    }

    [Fact]
    public async Task A_stream_longer_than_one_block_is_committed_as_several_blocks()
    {
        var key = $"{_prefix}/blocks.bin";
        var content = new PatternStream(3_500_000, seekable: false);

        await Create(("blockSizeMiB", "1")).UploadAsync(key, content, UploadOptions.For("application/octet-stream"), default);

        var blocks = (await _container.GetBlockBlobClient(key).GetBlockListAsync(BlockListTypes.Committed)).Value;
        blocks.CommittedBlocks.Select(b => b.SizeLong).Should().Equal(1L << 20, 1L << 20, 1L << 20, 3_500_000 - (3L << 20));
    }

    [Fact]
    public async Task The_access_tier_is_set_on_upload()
    {
        var key = $"{_prefix}/cool.bin";

        await Create(("accessTier", "cool")).UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        (await _container.GetBlobClient(key).GetPropertiesAsync()).Value.AccessTier.Should().Be(AccessTier.Cool.ToString());
    }

    [Fact]
    public async Task A_SAS_token_read_from_a_file_is_used_with_the_account_url()
    {
        var shared = new BlobContainerClient(new Uri($"{TestServers.AzuriteBlobUrl}/{Azurite.Container}"), new StorageSharedKeyCredential("devstoreaccount1", TestServers.AzuriteAccountKey));
        var sas = shared.GenerateSasUri(BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1)).Query;
        var file = _dir.Combine("sas");
        await File.WriteAllTextAsync(file, sas + "\n");
        var storage = Create(new Dictionary<string, string> { ["container"] = Azurite.Container, ["accountUrl"] = TestServers.AzuriteBlobUrl, ["sasTokenFile"] = file });
        var key = $"{_prefix}/sas.bin";

        await storage.UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        (await ((IReadableBackupStorage)storage).ListAsync(_prefix, default).ToListAsync()).Should().ContainSingle().Which.Key.Should().Be(key);
        storage.Location.Should().Be($"{TestServers.AzuriteBlobUrl}/{Azurite.Container}").And.NotContain("sig=");
    }

    [Fact]
    public async Task A_connection_string_named_as_every_plugin_names_a_secret_is_read_from_its_variable()
    {
        var section = SettingsBuilder.From(
            new Dictionary<string, object>
            {
                ["container"] = Azurite.Container,
                ["connectionString"] = new Dictionary<string, object> { ["env"] = TestServers.AzuriteConnectionStringVariable },
            },
            "storage.settings");
        var storage = new AzureStoragePlugin().CreateStorage(new PluginContext(section, NullLoggerFactory.Instance));
        section.UnreadKeys.Should().BeEmpty();
        var key = $"{_prefix}/nested.bin";

        await storage.UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        (await ((IReadableBackupStorage)storage).ListAsync(_prefix, default).ToListAsync()).Should().ContainSingle().Which.Key.Should().Be(key);
    }

    [Fact]
    public void A_secret_in_the_new_shape_and_one_in_the_old_flat_keys_exclude_each_other()
    {
        var section = SettingsBuilder.From(
            new Dictionary<string, object>
            {
                ["container"] = "c",
                ["accountUrl"] = "https://a.blob.core.windows.net",
                ["sasToken"] = new Dictionary<string, object> { ["file"] = "/run/secrets/sas" },
                ["connectionStringEnv"] = "CONN",
            },
            "storage.settings");

        var act = () => new AzureStoragePlugin().CreateStorage(new PluginContext(section, NullLoggerFactory.Instance));

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle()
            .Which.Should().EndWith("storage.settings.connectionStringEnv excludes sasToken: set one credential source only");
    }

    [Fact]
    public async Task A_wrong_account_key_fails_with_one_line_saying_access_denied_without_the_key()
    {
        const string variable = "BACKUP_TEST_AZURE_SPECS_WRONG_KEY";
        var wrongKey = Convert.ToBase64String(new byte[64]);
        Environment.SetEnvironmentVariable(variable, TestServers.AzuriteConnectionStringWithKey(wrongKey));
        var key = $"{_prefix}/denied.bin";

        var act = () => Create(Azurite.Settings(variable: variable)).UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        var message = (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message;
        message.Should().StartWith("azure: access denied (AuthorizationFailure) for uploading " + key).And.NotContain("\n").And.NotContain(wrongKey);
    }

    [Fact]
    public async Task An_unset_connection_string_variable_is_a_credentials_error_naming_the_variable()
    {
        var act = () => Create(Azurite.Settings(variable: "BACKUP_TEST_AZURE_NOT_SET")).UploadAsync($"{_prefix}/x", new MemoryStream(), UploadOptions.For("text/plain"), default);

        (await act.Should().ThrowAsync<BackupCredentialsException>()).Which.Message.Should().Be("storage.settings.connectionStringEnv: $BACKUP_TEST_AZURE_NOT_SET is not set or empty");
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_with_one_line_naming_it()
    {
        var file = _dir.Combine("sas");
        await File.WriteAllTextAsync(file, "sv=2024-01-01&sig=x");
        var storage = Create(new Dictionary<string, string> { ["container"] = "c", ["accountUrl"] = "http://127.0.0.1:9/acct", ["sasTokenFile"] = file });

        var act = () => storage.UploadAsync($"{_prefix}/x", new MemoryStream(), UploadOptions.For("text/plain"), default);

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().StartWith($"azure: cannot reach http://127.0.0.1:9/acct/c (uploading {_prefix}/x)").And.NotContain("\n");
    }

    private IBackupStorage Create(params (string Key, string Value)[] extra)
    {
        var settings = Azurite.Settings();
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return Create(settings);
    }

    private static IBackupStorage Create(IReadOnlyDictionary<string, string> settings)
    {
        var section = Azurite.Section(settings);
        var storage = new AzureStoragePlugin().CreateStorage(new PluginContext(section, NullLoggerFactory.Instance));
        section.UnreadKeys.Should().BeEmpty();
        return storage;
    }
}
