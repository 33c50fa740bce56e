using Backup.Abstractions;

namespace Backup.Plugins.Gcp;

/// <summary>The validated settings of one <c>gcp</c> storage.</summary>
/// <param name="Bucket">The bucket's name.</param>
/// <param name="KmsKeyName">The Cloud KMS key new objects are encrypted with; null for the bucket's default.</param>
/// <param name="StorageClass">The storage class new objects get; null for the bucket's default.</param>
/// <param name="ChunkSize">Bytes per resumable-upload request; one chunk is buffered in memory.</param>
/// <param name="BaseUri">The JSON API endpoint (e.g. a Private Service Connect endpoint); null for Google's.</param>
/// <param name="Anonymous">Send no credentials: only for a test server at <see cref="BaseUri"/>.</param>
internal sealed record GcsSettings(
    string Bucket,
    string? KmsKeyName,
    string? StorageClass,
    int ChunkSize,
    Uri? BaseUri,
    bool Anonymous)
{
    private const int MiB = 1024 * 1024;

    /// <summary>Where the storage is, for logs and errors, e.g. <c>gs://backups</c>.</summary>
    public string Location => BaseUri is null ? $"gs://{Bucket}" : $"gs://{Bucket} at {BaseUri}";

    /// <summary>Reads the settings, recording every problem in <paramref name="settings"/> instead of throwing.</summary>
    public static GcsSettings Read(PluginSettings settings)
    {
        var bucket = settings.GetRequiredString("bucket");
        var kmsKeyName = settings.GetString("kmsKeyName");
        var storageClass = settings.GetChoice("storageClass", ["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"]);

        // Any whole number of MiB is a multiple of the 256 KiB the resumable protocol requires.
        var chunkSizeMiB = settings.GetInt32("chunkSizeMiB", 8, 1, 1024);

        var baseUri = ReadBaseUri(settings);
        var anonymous = settings.GetBoolean("anonymous", false);
        if (anonymous && baseUri is null)
        {
            // Google's endpoint never accepts an anonymous write: this can only be a mistake.
            settings.AddProblem("anonymous", "is only for a test server: set baseUri too");
        }

        return new GcsSettings(bucket, kmsKeyName, storageClass, chunkSizeMiB * MiB, baseUri, anonymous);
    }

    private static Uri? ReadBaseUri(PluginSettings settings)
    {
        if (settings.GetHttpUrl("baseUri") is not { } uri)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(uri.Query))
        {
            settings.AddProblem("baseUri", $"must not carry a query string (e.g. https://storage.googleapis.com/storage/v1/), not '{uri}'");
            return null;
        }

        // The client appends paths (b/{bucket}/o) to it: without the trailing slash the last segment would be replaced.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
