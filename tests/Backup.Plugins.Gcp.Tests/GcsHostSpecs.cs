using Backup.Abstractions;
using Backup.Plugins.Gcp.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.Gcp.Tests;

/// <summary>The published host with the gcp plugin against the GCS test server: exit codes, one-line errors, a SIGKILL mid-upload, a real MariaDB backup.</summary>
public sealed class GcsHostSpecs : HostStorageSpecs, IAsyncLifetime
{
    private GcsTestServer _server = null!;
    private Dictionary<string, string> _settings = null!;

    protected override string PluginFolder => "Backup.Plugins.Gcp";

    protected override IBackupStoragePlugin Plugin { get; } = new GcpStoragePlugin();

    protected override StorageCase Working => new(Gcs.Bucket, _settings, new Dictionary<string, string?>());

    protected override StorageCase MissingContainer => new("missing-bucket-e2e", new Dictionary<string, string>(_settings) { ["bucket"] = "missing-bucket-e2e" }, new Dictionary<string, string?>());

    // The test server answers 403 for this bucket, as GCS does for a credential without a role on it.
    protected override StorageCase BadCredentials => new(Gcs.DeniedBucket, new Dictionary<string, string>(_settings) { ["bucket"] = Gcs.DeniedBucket }, new Dictionary<string, string?>());

    protected override string ExpectedLocationOf(string key) => $"gs://{Gcs.Bucket}/{key}";

    protected override string LocationThrough(int port) => $"gs://{Gcs.Bucket} at {new Uri(Through(port).Settings["baseUri"])}";

    protected override int ServerPort => new Uri(_settings["baseUri"]).Port;

    protected override StorageCase Through(int port) =>
        Working with { Settings = new Dictionary<string, string>(_settings) { ["baseUri"] = new UriBuilder(_settings["baseUri"]) { Port = port }.Uri.ToString() } };

    public async Task InitializeAsync()
    {
        _server = await Gcs.ServerAsync();
        _settings = await Gcs.SettingsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_run_against_a_store_whose_clock_is_two_hours_ahead_warns_once_and_still_stores_the_backup()
    {
        await using var skewed = new GcsTestServer { ClockOffset = TimeSpan.FromHours(2) };
        await skewed.StartAsync();
        skewed.AddBucket(Gcs.Bucket);
        var storage = Working with { Settings = new Dictionary<string, string>(_settings) { ["baseUri"] = skewed.BaseUri } };

        var result = await RunAsync(WriteSpec(storage, FakeSource("entries: 1")), storage, await FakeAndStoragePluginsAsync());

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardError.Split('\n').Where(l => l.Contains("clock", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().MatchRegex(@"This host's clock is (01:59:\d\d(\.\d+)?|02:00:00) behind the storage's \(gs://backups at [^ ]+ stamped [^ ]+/e2e-\d{8}T\d{6}Z-[0-9a-f]{6}\.tar\.gz at ");
    }

    protected override Task<(string ContentType, string? Sha1)> ReadPropertiesAsync(string key)
    {
        var stored = _server.Describe(Gcs.Bucket, key) ?? throw new InvalidOperationException($"{key} is not stored");
        return Task.FromResult((stored["contentType"]!.GetValue<string>(), stored["metadata"]?["sha1"]?.GetValue<string>()));
    }

    protected override Task<bool> UploadInProgressAsync(string prefix) => Task.FromResult(_server.UploadInProgress(Gcs.Bucket, prefix));

    protected override IReadOnlyDictionary<string, string> SlowUpload(IReadOnlyDictionary<string, string> settings) =>
        new Dictionary<string, string>(settings) { ["chunkSizeMiB"] = "1" };
}
