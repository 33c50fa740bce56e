namespace Backup.Host.Spec;

/// <summary>How a backup travels from the source to the storage.</summary>
internal enum PipelineMode
{
    /// <summary>Entries go to temp disk (one raw copy; a tar entry needs its size first), then tar + compress + upload run together.</summary>
    Archive,

    /// <summary>The source's one entry is compressed and uploaded while it is written: no temp disk, a <c>.sql.gz</c> / <c>.sql.zst</c> object.</summary>
    Streaming,
}
