using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Plugins.Gcp.Tests.Support;
using Backup.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Plugins.Gcp.Tests;

/// <summary>What the gcp plugin does beyond the common contract: settings, resumable chunks, paging, metadata, errors.</summary>
public sealed class GcsStorageSpecs : IAsyncLifetime
{
    private readonly string _prefix = $"gcs-{Guid.NewGuid():N}";
    private GcsTestServer _server = null!;
    private Dictionary<string, string> _settings = null!;

    public async Task InitializeAsync()
    {
        _server = await Gcs.ServerAsync();
        _settings = await Gcs.SettingsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Every_settings_problem_is_reported_at_once()
    {
        var settings = Gcs.Section(new Dictionary<string, string> { ["chunkSizeMiB"] = "0", ["storageClass"] = "glacier", ["anonymous"] = "true" });

        var act = () => new GcpStoragePlugin().CreateStorage(new PluginContext(settings, NullLoggerFactory.Instance));

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().SatisfyRespectively(
            p => p.Should().Contain("storage.settings.bucket is required"),
            p => p.Should().Contain("storage.settings.storageClass must be one of STANDARD, NEARLINE, COLDLINE, ARCHIVE, not 'glacier'"),
            p => p.Should().Contain("storage.settings.chunkSizeMiB must be between 1 and 1024, not 0"),
            p => p.Should().Contain("storage.settings.anonymous is only for a test server: set baseUri too"));
    }

    [Fact]
    public async Task Content_type_sha1_metadata_storage_class_and_KMS_key_are_sent_with_the_object()
    {
        var key = $"{_prefix}/meta.tar.gz";
        var storage = Create(("storageClass", "nearline"), ("kmsKeyName", "projects/p/locations/l/keyRings/r/cryptoKeys/k"));

        await storage.UploadAsync(key, new MemoryStream([1, 2, 3]), new UploadOptions("application/gzip", 3, new Dictionary<string, string> { ["sha1"] = "7037807198c22a7d2b0807371d763779a84fdfcf" }), default);

        var stored = _server.Describe(Gcs.Bucket, key)!;
        stored["contentType"]!.GetValue<string>().Should().Be("application/gzip");
        stored["metadata"]!["sha1"]!.GetValue<string>().Should().Be("7037807198c22a7d2b0807371d763779a84fdfcf");
        stored["storageClass"]!.GetValue<string>().Should().Be("NEARLINE");
        stored["kmsKeyName"]!.GetValue<string>().Should().Be("projects/p/locations/l/keyRings/r/cryptoKeys/k");
    }

    [Fact]
    public async Task A_failed_upload_leaves_an_unfinished_resumable_session_and_no_object()
    {
        var key = $"{_prefix}/failed.bin";
        var storage = Create(("chunkSizeMiB", "1"));

        var act = () => storage.UploadAsync(key, new PatternStream(5_000_000, seekable: false, failAt: 3_000_000), UploadOptions.For("application/gzip"), default);

        await act.Should().ThrowAsync<IOException>("the content's own failure propagates as is");
        _server.UploadInProgress(Gcs.Bucket, _prefix).Should().BeTrue("chunks were sent before the content failed");
        _server.Describe(Gcs.Bucket, key).Should().BeNull();
    }

    [Fact]
    public async Task Listing_follows_every_page()
    {
        var storage = (IReadableBackupStorage)Create();
        for (var i = 0; i < 5; i++)
        {
            await storage.UploadAsync($"{_prefix}/{i}.bin", new PatternStream(i), UploadOptions.For("application/octet-stream"), default);
        }

        var listed = await storage.ListAsync(_prefix + "/", default).ToListAsync();

        listed.Select(o => (o.Key, o.Length)).Should().BeEquivalentTo(Enumerable.Range(0, 5).Select(i => ($"{_prefix}/{i}.bin", (long)i)), "the server pages by {0}", _server.PageSize);
    }

    [Fact]
    public async Task A_bucket_the_credential_may_not_use_fails_with_one_line_saying_access_denied()
    {
        var key = $"{_prefix}/denied.bin";

        var act = () => Create(("bucket", Gcs.DeniedBucket)).UploadAsync(key, new PatternStream(10), UploadOptions.For("application/octet-stream"), default);

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should()
            .StartWith($"gcp: access denied for uploading {key} in gs://{Gcs.DeniedBucket} at {_server.BaseUri}: anonymous caller does not have").And.NotContain("\n");
    }

    [Fact]
    public async Task Missing_application_default_credentials_are_a_credentials_error()
    {
        var settings = new Dictionary<string, string>(_settings);
        settings.Remove("anonymous");
        var storage = Create(settings);
        var variable = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/backup-test-key.json");
        try
        {
            var act = () => storage.UploadAsync($"{_prefix}/x", new MemoryStream(), UploadOptions.For("text/plain"), default);

            (await act.Should().ThrowAsync<BackupCredentialsException>()).Which.Message.Should().StartWith($"gcp: no Google credentials for gs://{Gcs.Bucket}").And.NotContain("\n");
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", variable);
        }
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_with_one_line_naming_it()
    {
        var storage = Create(("baseUri", "http://127.0.0.1:9/storage/v1/"));

        var act = () => storage.UploadAsync($"{_prefix}/x", new MemoryStream(), UploadOptions.For("text/plain"), default);

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().StartWith($"gcp: cannot reach gs://{Gcs.Bucket} at http://127.0.0.1:9/storage/v1/ (uploading {_prefix}/x)").And.NotContain("\n");
    }

    private IBackupStorage Create(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>(_settings);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return Create(settings);
    }

    private static IBackupStorage Create(IReadOnlyDictionary<string, string> settings)
    {
        var section = Gcs.Section(settings);
        var storage = new GcpStoragePlugin().CreateStorage(new PluginContext(section, NullLoggerFactory.Instance));
        section.UnreadKeys.Should().BeEmpty();
        return storage;
    }
}
