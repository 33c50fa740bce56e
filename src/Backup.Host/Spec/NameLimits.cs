namespace Backup.Host.Spec;

/// <summary>The lengths every name and key a run writes must keep, so that any storage takes them: checked when the spec is read, never discovered after the dump.</summary>
internal static class NameLimits
{
    /// <summary>The longest object key, in bytes of UTF-8.</summary>
    /// <remarks>S3 and GCS allow 1024 bytes of UTF-8 and Azure 1024 characters; a string never has more characters than UTF-8 bytes, so 1024 bytes holds for all three.</remarks>
    public const int MaxKeyBytes = 1024;

    /// <summary>The longest segment of the prefix, in bytes: the local storage makes each one a directory, and file systems (ext4, XFS, NTFS) take 255 bytes per name.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>The longest object name after the prefix (backup id and suffix), in bytes.</summary>
    /// <remarks>Below <see cref="MaxSegmentBytes"/> because a storage may write under a longer temporary name first (local: <c>.&lt;name&gt;.partial-&lt;32 hex&gt;</c>, 42 bytes more); 200 leaves that room with some to spare.</remarks>
    public const int MaxFileNameBytes = 200;

    /// <summary>The longest job name, in characters (all ASCII).</summary>
    /// <remarks>The name is part of the run's temp directory (<c>backup-&lt;job&gt;-&lt;10 hex&gt;</c>), of the default backup id and of the default prefix; 128 keeps each of them well inside a 255-byte file name.</remarks>
    public const int MaxJobNameLength = 128;
}
