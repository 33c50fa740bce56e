namespace Backup.Host.Spec;

/// <summary>How a backup travels from the source to the storage.</summary>
internal enum PipelineMode
{
    /// <summary>Entries go to temp disk (one raw copy; a tar entry needs its size first), then tar + compress + upload run together.</summary>
    Archive,

    /// <summary>The source's one entry is compressed and uploaded while it is written: no temp disk, a <c>.&lt;ext&gt;.gz</c> / <c>.&lt;ext&gt;.zst</c> object named after the entry type the source declares (<c>.sql.*</c> when it declares none).</summary>
    Streaming,
}
