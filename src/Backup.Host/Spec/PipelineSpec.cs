namespace Backup.Host.Spec;

/// <summary>The <c>pipeline</c> section: how the backup is packed and compressed on its way to the storage.</summary>
/// <param name="Mode">Archive (<c>.tar.gz</c> from one temp copy of the entries) or streaming (zero temp disk).</param>
/// <param name="Compression">The compressor; zstd only in streaming mode.</param>
/// <param name="Level">The compression level, 1 (fastest) up to the codec's maximum (gzip 9, zstd 19).</param>
/// <param name="Threads">How many blocks are compressed at once.</param>
/// <param name="BlockSizeMiB">The size of one independently compressed block; memory is about (2 x threads + 1) x this.</param>
internal sealed record PipelineSpec(PipelineMode Mode, CompressionKind Compression, int Level, int Threads, int BlockSizeMiB)
{
    /// <summary>The default <see cref="StallTimeoutSeconds"/>: longer than any pause a healthy dump or upload makes, short enough to end a frozen run long before the next schedule.</summary>
    public const int DefaultStallTimeoutSeconds = 300;

    /// <summary>How long no byte may move anywhere in the pipeline before the run fails, naming the stalled side.</summary>
    public int StallTimeoutSeconds { get; init; } = DefaultStallTimeoutSeconds;

    /// <summary>The most the whole run may take, or null for no limit (the CronJob's activeDeadlineSeconds still applies).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>The default <see cref="ArchiveChunkMiB"/>.</summary>
    /// <remarks>
    /// Archive mode buffers at most two chunks on temp disk (one being filled by the source while the previous one is
    /// compressed and uploaded), so 64 MiB keeps the temp directory under 128 MiB at any database size, small enough for
    /// any emptyDir and usually never leaving the page cache, while a 1 GB dump is still only 16 files after <c>tar xzf</c>.
    /// Throughput does not depend on it above a few blocks (the compressor works on <see cref="BlockSizeMiB"/> blocks).
    /// </remarks>
    public const int DefaultArchiveChunkMiB = 64;

    /// <summary>The largest <see cref="ArchiveChunkMiB"/>: readers refuse a chunk larger than this (a bound on hostile archives).</summary>
    public const int MaxArchiveChunkMiB = 1024;

    /// <summary>Archive mode: the size of the tar entries each source entry is cut into (<c>name.000000</c>, <c>name.000001</c>, ...), or 0 for one tar entry per source entry.</summary>
    /// <remarks>0 is the layout before chunks: the whole entry is copied to temp disk first, because a tar header needs its size.</remarks>
    public int ArchiveChunkMiB { get; init; } = DefaultArchiveChunkMiB;

    /// <summary>The default <see cref="ProgressIntervalSeconds"/>: a line every half minute tells a long run is alive without flooding the log.</summary>
    public const int DefaultProgressIntervalSeconds = 30;

    /// <summary>How often run, verify and restore log a progress line (phase, bytes, rate, elapsed, percent and ETA when the total is known); 0 turns progress off.</summary>
    public int ProgressIntervalSeconds { get; init; } = DefaultProgressIntervalSeconds;

    /// <summary>The largest default thread count: more rarely helps and each thread holds two blocks.</summary>
    public const int MaxDefaultThreads = 4;

    /// <summary>The defaults: <c>.tar.gz</c> at gzip level 4 (smaller than the seed's <c>gzip -6</c>), on every core up to <see cref="MaxDefaultThreads"/>, 4 MiB blocks.</summary>
    public static PipelineSpec Default { get; } = new(
        PipelineMode.Archive,
        CompressionKind.Gzip,
        DefaultLevel(CompressionKind.Gzip),
        Math.Clamp(Environment.ProcessorCount, 1, MaxDefaultThreads),
        4);

    /// <summary>The level used when the spec names none (<c>optimal</c>): the knee of each codec's size/CPU curve.</summary>
    /// <remarks>
    /// gzip is zlib-ng, whose levels 4-6 share one strategy: on the bench's 1.06 GB dump, level 4 made 218.1 MB in
    /// 7.0 s of CPU, level 6 217.6 MB in 9.2 s, GNU <c>gzip -6</c> (the seed's) 226.5 MB; level 3 switches strategy.
    /// zstd 3 is the zstd CLI's default.
    /// </remarks>
    public static int DefaultLevel(CompressionKind kind) => kind == CompressionKind.Zstd ? 3 : 4;

    /// <summary>The level for entries a source declares already compressed (<see cref="Backup.Abstractions.BackupEntryShape.IsCompressed"/>): compressing them again costs CPU and gains nothing.</summary>
    /// <remarks>
    /// gzip level 0 writes deflate's stored blocks: the bytes pass through in valid gzip members, so every reader and the
    /// object's name stay as they are. zstd has no stored level; at level 1 it still keeps a block it cannot shrink raw.
    /// </remarks>
    public static int PassThroughLevel(CompressionKind kind) => kind == CompressionKind.Zstd ? 1 : 0;

    /// <summary>The highest level <paramref name="kind"/> accepts.</summary>
    public static int MaxLevel(CompressionKind kind) => kind == CompressionKind.Zstd ? 19 : 9;
}
