using Azure.Storage.Blobs;
using Backup.Testing;

namespace Backup.Deploy.Tests.Support;

/// <summary>
/// The real test server each storage's image backs up into (a mounted directory, fauxqs, Azurite, the GCS test server),
/// and a job spec for it as the CronJob mounts one: source and storage settings in the file, secrets in the environment.
/// </summary>
public sealed class ImageTargets : IAsyncLifetime
{
    /// <summary>Where the spec mounts the local storage's directory in the container.</summary>
    public const string LocalMount = "/backups";

    private const string Bucket = "backups";
    private const string AzureConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    private readonly GcsTestServer _gcs = new();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _gcs.StartAsync();
        _gcs.AddBucket(Bucket);
        // fauxqs starts with the bucket (scripts/test-servers.sh); Azurite starts empty.
        await new BlobServiceClient(TestServers.AzuriteConnectionString).GetBlobContainerClient(Bucket).CreateIfNotExistsAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await _gcs.DisposeAsync();

    /// <summary>
    /// Writes <c>job.yaml</c> into <paramref name="directory"/>/spec and returns the container run for <paramref name="storage"/>:
    /// the spec mounted at /etc/backup, the storage's secrets and the MariaDB password in the environment.
    /// </summary>
    /// <param name="source">The spec's <c>source:</c> body (default: the test MariaDB server, password from the environment).</param>
    /// <param name="pipeline">The spec's <c>pipeline:</c> body, or null for the defaults.</param>
    public ContainerRun Job(string storage, TempDir directory, string prefix, string? source = null, string? pipeline = null)
    {
        var (settings, environment, volumes) = Storage(storage, directory);
        var specDirectory = Directory.CreateDirectory(directory.Combine("spec")).FullName;
        File.WriteAllText(Path.Combine(specDirectory, "job.yaml"), $"""
            name: image-{storage}
            source:
              {source ?? TestServers.MariaDbHaSource}
            storage:
              plugin: {storage}
              settings:
            {string.Concat(settings.Select(s => $"    {s.Key}: \"{s.Value}\"\n"))}
            artifact:
              prefix: {prefix}
            {(pipeline is null ? "" : "pipeline:\n  " + pipeline)}
            """);
        environment[TestServers.MariaDbPasswordVariable] = TestServers.MariaDbPassword;
        return new ContainerRun(storage) { SpecDirectory = specDirectory, Environment = environment, Volumes = volumes };
    }

    private (Dictionary<string, string> Settings, Dictionary<string, string> Environment, List<string> Volumes) Storage(string storage, TempDir directory)
    {
        switch (storage)
        {
            case "local":
                // The PersistentVolumeClaim of the local overlay: a directory the pod's uid 10001 may write.
                var backups = Directory.CreateDirectory(directory.Combine("backups")).FullName;
                Chown(backups);
                return (new() { ["path"] = LocalMount }, [], [$"{backups}:{LocalMount}"]);
            case "aws":
                return (new() { ["bucket"] = Bucket, ["region"] = "us-east-1", ["serviceUrl"] = TestServers.FauxqsUrl, ["forcePathStyle"] = "true" },
                    new() { ["AWS_ACCESS_KEY_ID"] = "image-test", ["AWS_SECRET_ACCESS_KEY"] = "image-test", ["AWS_EC2_METADATA_DISABLED"] = "true" }, []);
            case "azure":
                return (new() { ["container"] = Bucket, ["connectionStringEnv"] = AzureConnectionStringVariable },
                    new() { [AzureConnectionStringVariable] = TestServers.AzuriteConnectionString }, []);
            case "gcp":
                return (new() { ["bucket"] = Bucket, ["baseUri"] = _gcs.BaseUri, ["anonymous"] = "true" }, [], []);
            default:
                throw new ArgumentException($"no test server for storage '{storage}': add one here", nameof(storage));
        }
    }

    /// <summary>Gives <paramref name="path"/> to the image's uid/gid 10001, or to another pod user (the tests run as root, see scripts/test-images.sh).</summary>
    public static void Chown(string path, int uid = 10001, int gid = 10001)
    {
        if (chown(path, uid, gid) != 0)
        {
            throw new InvalidOperationException($"chown {uid}:{gid} {path} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, int owner, int group);
}
