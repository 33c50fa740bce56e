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
        var storageClass = ReadStorageClass(settings);

        // Any whole number of MiB is a multiple of the 256 KiB the resumable protocol requires.
        var chunkSizeMiB = settings.GetInt32("chunkSizeMiB", 8);
        if (chunkSizeMiB is < 1 or > 1024)
        {
            settings.AddProblem("chunkSizeMiB", $"must be between 1 and 1024, not {chunkSizeMiB}");
        }

        var baseUri = ReadBaseUri(settings);
        var anonymous = settings.GetBoolean("anonymous", false);
        if (anonymous && baseUri is null)
        {
            // Google's endpoint never accepts an anonymous write: this can only be a mistake.
            settings.AddProblem("anonymous", "is only for a test server: set baseUri too");
        }

        return new GcsSettings(bucket, kmsKeyName, storageClass, Math.Clamp(chunkSizeMiB, 1, 1024) * MiB, baseUri, anonymous);
    }

    private static string? ReadStorageClass(PluginSettings settings)
    {
        var text = settings.GetString("storageClass");
        if (text is null)
        {
            return null;
        }

        string[] known = ["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"];
        var match = known.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            settings.AddProblem("storageClass", $"must be one of {string.Join(", ", known)}, not '{text}'");
        }

        return match;
    }

    private static Uri? ReadBaseUri(PluginSettings settings)
    {
        var text = settings.GetString("baseUri");
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.Query))
        {
            settings.AddProblem("baseUri", $"must be an http(s) URL without a query, e.g. https://storage.googleapis.com/storage/v1/, not '{text}'");
            return null;
        }

        // The client appends paths (b/{bucket}/o) to it: without the trailing slash the last segment would be replaced.
        return text.EndsWith('/') ? uri : new Uri(text + "/");
    }
}
