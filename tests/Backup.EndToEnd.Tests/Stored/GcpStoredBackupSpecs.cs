using Backup.Plugins.Gcp;
using Backup.Testing;

namespace Backup.EndToEnd.Tests.Stored;

/// <summary>The stored-backup specs against the <c>gcp</c> storage on the GCS JSON API test server, started in this process and shared by the class's tests.</summary>
[Collection(RestoreTargetCollection.Name)]
public sealed class GcpStoredBackupSpecs : CreateOnlyStoredBackupSpecs
{
    private const string Bucket = "backups";

    private static readonly Lazy<Task<GcsTestServer>> Server = new(async () =>
    {
        var server = new GcsTestServer();
        await server.StartAsync();
        server.AddBucket(Bucket);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    });

    private string _baseUri = "";

    protected override StorageUnderTest Storage => new(
        "gcp",
        "Backup.Plugins.Gcp",
        new Dictionary<string, object> { ["bucket"] = Bucket, ["baseUri"] = _baseUri, ["anonymous"] = "true" },
        () => new GcpStoragePlugin());

    protected override async Task PrepareStorageAsync() => _baseUri = (await Server.Value).BaseUri;
}
