using Backup.Plugins.Aws;

namespace Backup.EndToEnd.Tests.Stored;

/// <summary>The stored-backup specs against the <c>aws</c> storage on fauxqs (BACKUP_TEST_S3_URL), the S3 emulator scripts/test-servers.sh starts.</summary>
/// <remarks>
/// Not <see cref="CreateOnlyStoredBackupSpecs"/>: fauxqs (and s3rver) ignore If-None-Match on PutObject and overwrite,
/// so two runs racing for one id cannot be refused there; the plugin's checks before and after do not close a race
/// (docs/storage-aws.md). What the plugin does guarantee on such a server is asserted by the storage kit's race test.
/// </remarks>
[Collection(RestoreTargetCollection.Name)]
public sealed class AwsStoredBackupSpecs : StoredBackupSpecs
{
    static AwsStoredBackupSpecs()
    {
        // The SDK's standard credential chain, for the plugin in this process and the host processes it starts; fauxqs accepts any key.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "e2e");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "e2e");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    protected override StorageUnderTest Storage => new(
        "aws",
        "Backup.Plugins.Aws",
        new Dictionary<string, object>
        {
            ["bucket"] = "backups",
            ["region"] = "us-east-1",
            ["serviceUrl"] = Environment.GetEnvironmentVariable("BACKUP_TEST_S3_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:14900",
            ["forcePathStyle"] = "true",
        },
        () => new AwsStoragePlugin());

    // fauxqs does not list multipart uploads (it answers ?uploads with an object listing), so the plugin's own line is the evidence.
    protected override string AbandonedUploadLine(string key) => $"Aborted the multipart upload of {key}; nothing was stored at the key";
}
