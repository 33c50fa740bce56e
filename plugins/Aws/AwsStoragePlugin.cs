using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.Aws;

/// <summary>The <c>aws</c> storage: an Amazon S3 bucket, or a bucket of an S3-compatible store (MinIO, Ceph, on-prem appliances).</summary>
/// <remarks>
/// Credentials come only from the SDK's default chain (environment, IRSA web identity, profile, instance profile),
/// never from the spec. Creating the storage checks the settings and touches no network: the S3 client is made on first use.
/// </remarks>
public sealed class AwsStoragePlugin : IBackupStoragePlugin
{
    /// <inheritdoc />
    public string Name => "aws";

    /// <inheritdoc />
    public IBackupStorage CreateStorage(PluginContext context)
    {
        var settings = AwsSettings.Read(context.Settings);
        context.Settings.ThrowIfInvalid();

        var logger = context.LoggerFactory.CreateLogger("Backup.Plugins.Aws");
        if (settings.ServiceUrl is not null && !settings.ChecksumsConfigured)
        {
            // The SDK's defaults (CRC checksums in aws-chunked bodies) are what AWS itself wants; many S3-compatible
            // stores reject them, and some (s3rver-like ones) silently store the chunk framing as the content.
            logger.LogWarning(
                "storage.settings.serviceUrl is set but requestChecksumCalculation/responseChecksumValidation are left at WHEN_SUPPORTED: " +
                "if {ServiceUrl} is not AWS and rejects or mis-stores uploads, set both to WHEN_REQUIRED and useChunkEncoding: false",
                settings.ServiceUrl);
        }

        return new AwsStorage(settings, S3ClientFactory.Create(settings), logger);
    }
}
