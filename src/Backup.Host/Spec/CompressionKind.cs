namespace Backup.Host.Spec;

/// <summary>The compressor of the uploaded object.</summary>
internal enum CompressionKind
{
    /// <summary>gzip (RFC 1952), as concatenated members so it can be compressed on several threads.</summary>
    Gzip,

    /// <summary>Zstandard, as concatenated frames; streaming mode only.</summary>
    Zstd,
}
