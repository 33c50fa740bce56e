using Amazon.Runtime;
using Backup.Abstractions;

namespace Backup.Plugins.Aws;

/// <summary>The <c>storage.settings</c> of the <c>aws</c> plugin, validated.</summary>
/// <param name="Bucket">The bucket name.</param>
/// <param name="Region">The bucket's region; for an S3-compatible store, the region its signatures use.</param>
/// <param name="ServiceUrl">The endpoint of an S3-compatible store; <see langword="null"/> for AWS itself.</param>
/// <param name="ForcePathStyle">Address the bucket as <c>endpoint/bucket</c> instead of <c>bucket.endpoint</c>.</param>
/// <param name="StorageClass">The S3 storage class, e.g. <c>STANDARD_IA</c>; <see langword="null"/> for the bucket's default.</param>
/// <param name="ServerSideEncryption"><c>AES256</c> or <c>aws:kms</c>; <see langword="null"/> for the bucket's default.</param>
/// <param name="KmsKeyId">The KMS key for <c>aws:kms</c>; <see langword="null"/> for the AWS-managed key.</param>
/// <param name="PartSize">A fixed part size in bytes; <see langword="null"/> to choose it from the object's size.</param>
/// <param name="MaxConcurrentParts">How many parts are uploaded at once (each holds one part-sized buffer).</param>
/// <param name="MaxParts">The store's limit on parts per upload: S3's 10,000, or fewer for some S3-compatible stores.</param>
/// <param name="RequestChecksumCalculation">When the SDK adds CRC checksums to uploads.</param>
/// <param name="ResponseChecksumValidation">When the SDK validates checksums of downloads.</param>
/// <param name="UseChunkEncoding">Whether upload bodies use aws-chunked encoding (signed chunks).</param>
/// <param name="CaBundle">A PEM file of extra CA certificates to trust for <paramref name="ServiceUrl"/>.</param>
/// <param name="ChecksumsConfigured">Whether the spec set either checksum setting explicitly (to warn only when it did not).</param>
internal sealed record AwsSettings(
    string Bucket,
    string Region,
    Uri? ServiceUrl,
    bool ForcePathStyle,
    string? StorageClass,
    string? ServerSideEncryption,
    string? KmsKeyId,
    long? PartSize,
    int MaxConcurrentParts,
    int MaxParts,
    RequestChecksumCalculation RequestChecksumCalculation,
    ResponseChecksumValidation ResponseChecksumValidation,
    bool UseChunkEncoding,
    string? CaBundle,
    bool ChecksumsConfigured)
{
    private const long MiB = 1024 * 1024;

    /// <summary>The storage's location for logs and errors, <c>s3://bucket</c>.</summary>
    public string Location => $"s3://{Bucket}";

    // AWS's classes.
    private static readonly string[] AwsStorageClasses =
    [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
        "DEEP_ARCHIVE", "GLACIER_IR", "OUTPOSTS", "EXPRESS_ONEZONE", "SNOW",
    ];

    /// <summary>Reads and checks every setting, recording each problem in <paramref name="settings"/>.</summary>
    public static AwsSettings Read(PluginSettings settings)
    {
        var bucket = settings.GetRequiredString("bucket");
        if (bucket.Contains('/') || bucket.Contains(':'))
        {
            settings.AddProblem("bucket", $"must be a bucket name, not a URL or path ('{bucket}'); put the key prefix in artifact.prefix");
        }

        var region = settings.GetString("region");
        if (string.IsNullOrWhiteSpace(region))
        {
            settings.AddProblem("region", "is required: the bucket's AWS region, e.g. us-west-2 (for an S3-compatible store, the region it signs with, often us-east-1)");
            region = "";
        }

        var serviceUrl = settings.GetHttpUrl("serviceUrl");

        // An S3-compatible store may define its own classes, so they are checked only against AWS.
        var storageClass = serviceUrl is null ? settings.GetChoice("storageClass", AwsStorageClasses) : Optional(settings, "storageClass");
        var (encryption, kmsKeyId) = ReadEncryption(settings);

        // 0: not given, the size is chosen from the object's; 5 MiB is S3's smallest part, 1024 MiB one in-memory buffer per part.
        var partSizeMiB = settings.GetInt32("partSizeMiB", 0, 5, 1024);
        var concurrency = settings.GetInt32("maxConcurrentParts", 4, 1, 16);
        var maxParts = settings.GetInt32("maxParts", PartSizing.S3MaxParts, 100, PartSizing.S3MaxParts);
        var caBundle = Optional(settings, "caBundle");
        if (caBundle is not null && !File.Exists(caBundle))
        {
            settings.AddProblem("caBundle", $"names a file that does not exist: {caBundle}");
        }

        return new AwsSettings(
            bucket,
            region.Trim(),
            serviceUrl,
            settings.GetBoolean("forcePathStyle", false),
            storageClass,
            encryption,
            kmsKeyId,
            partSizeMiB == 0 ? null : partSizeMiB * MiB,
            concurrency,
            maxParts,
            ReadWhen(settings, "requestChecksumCalculation", RequestChecksumCalculation.WHEN_SUPPORTED, RequestChecksumCalculation.WHEN_REQUIRED),
            ReadWhen(settings, "responseChecksumValidation", ResponseChecksumValidation.WHEN_SUPPORTED, ResponseChecksumValidation.WHEN_REQUIRED),
            settings.GetBoolean("useChunkEncoding", true),
            caBundle,
            Optional(settings, "requestChecksumCalculation") is not null || Optional(settings, "responseChecksumValidation") is not null);
    }

    /// <summary>A value, or null when absent or blank: <c>${VAR:-}</c> in a spec then means "not set".</summary>
    private static string? Optional(PluginSettings settings, string key) =>
        settings.GetString(key) is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static (string? Encryption, string? KmsKeyId) ReadEncryption(PluginSettings settings)
    {
        var encryption = settings.GetChoice("serverSideEncryption", ["AES256", "aws:kms"]);
        var kmsKeyId = Optional(settings, "kmsKeyId");
        if (kmsKeyId is not null && encryption != "aws:kms")
        {
            settings.AddProblem("kmsKeyId", "needs serverSideEncryption: aws:kms");
        }

        return (encryption, kmsKeyId);
    }

    private static T ReadWhen<T>(PluginSettings settings, string key, T whenSupported, T whenRequired)
        where T : struct, Enum =>
        settings.GetChoice(key, ["WHEN_SUPPORTED", "WHEN_REQUIRED"]) == "WHEN_REQUIRED" ? whenRequired : whenSupported;
}
