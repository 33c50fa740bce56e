namespace Backup.Abstractions;

/// <summary>How an object is to be stored.</summary>
/// <param name="ContentType">The MIME type, e.g. <c>application/gzip</c>.</param>
/// <param name="Length">The content's length in bytes when known in advance; <see langword="null"/> for a stream of unknown length.</param>
/// <param name="Metadata">User metadata stored with the object (e.g. <c>sha1</c>); keys are lower-case ASCII.</param>
public sealed record UploadOptions(string ContentType, long? Length, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Options with the given content type, unknown length and no metadata.</summary>
    public static UploadOptions For(string contentType) => new(contentType, null, new Dictionary<string, string>());
}
