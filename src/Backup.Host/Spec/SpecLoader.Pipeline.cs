using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Backup.Host.Spec;

/// <summary>The <c>pipeline</c> section of a spec.</summary>
internal sealed partial class SpecLoader
{
    private PipelineSpec ReadPipeline(YamlMappingNode root)
    {
        var defaults = PipelineSpec.Default;
        if (Child(root, "pipeline") is not { } node)
        {
            return defaults;
        }

        if (node is not YamlMappingNode mapping)
        {
            return Problem(node, $"pipeline must be a mapping with any of: {string.Join(", ", PipelineKeys)}", defaults);
        }

        CheckKeys(mapping, "pipeline.", PipelineKeys);
        var mode = ReadChoice(mapping, "mode", defaults.Mode, ("archive", PipelineMode.Archive), ("streaming", PipelineMode.Streaming));
        var compression = ReadChoice(mapping, "compression", defaults.Compression, ("gzip", CompressionKind.Gzip), ("zstd", CompressionKind.Zstd));
        if (compression == CompressionKind.Zstd && mode == PipelineMode.Archive)
        {
            _problems.Add($"{At(Child(mapping, "compression")!.Start)}: pipeline.compression zstd needs pipeline.mode streaming (archive mode writes .tar.gz)");
        }

        var maxLevel = PipelineSpec.MaxLevel(compression);
        var level = ReadLevel(mapping, compression, maxLevel);
        var threads = ReadInt(mapping, "threads", defaults.Threads, 1, 64);
        var blockSize = ReadInt(mapping, "blockSizeMiB", defaults.BlockSizeMiB, 1, 64);
        var chunk = ReadInt(mapping, "archiveChunkMiB", defaults.ArchiveChunkMiB, 0, PipelineSpec.MaxArchiveChunkMiB);
        if (mode == PipelineMode.Streaming && Child(mapping, "archiveChunkMiB") is { } chunkNode)
        {
            _problems.Add($"{At(chunkNode.Start)}: pipeline.archiveChunkMiB applies to pipeline.mode archive only (streaming mode writes no tar)");
        }

        var stallTimeout = ReadInt(mapping, "stallTimeoutSeconds", defaults.StallTimeoutSeconds, 1, 86_400);
        int? timeout = Child(mapping, "timeoutSeconds") is null ? null : ReadInt(mapping, "timeoutSeconds", 0, 1, 7 * 86_400);
        var progressInterval = ReadInt(mapping, "progressIntervalSeconds", defaults.ProgressIntervalSeconds, 0, 86_400);
        return new PipelineSpec(mode, compression, level, threads, blockSize)
        {
            ArchiveChunkMiB = chunk,
            StallTimeoutSeconds = stallTimeout,
            TimeoutSeconds = timeout,
            ProgressIntervalSeconds = progressInterval,
        };
    }

    // Where pipeline.mode is written, for a problem found only once the source is known (JobFactory's entry-shape check).
    private string? PipelineModeLocation(YamlMappingNode root) =>
        Child(root, "pipeline") is YamlMappingNode pipeline && Child(pipeline, "mode") is { } mode ? At(mode.Start) : null;

    private T ReadChoice<T>(YamlMappingNode mapping, string key, T fallback, params (string Name, T Value)[] choices)
    {
        var text = OptionalScalar(mapping, key, "pipeline." + key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        _problems.Add($"{At(Child(mapping, key)!.Start)}: pipeline.{key} '{text}' is not one of: {string.Join(", ", choices.Select(c => c.Name))}");
        return fallback;
    }

    // Names as in System.IO.Compression, so "fastest/optimal/smallest" mean the same for both codecs.
    private int ReadLevel(YamlMappingNode mapping, CompressionKind kind, int maxLevel)
    {
        var text = OptionalScalar(mapping, "level", "pipeline.level")?.Trim();
        switch (text?.ToLowerInvariant())
        {
            case null or "":
            case "optimal":
                return PipelineSpec.DefaultLevel(kind);
            case "fastest":
                return 1;
            case "smallest":
                return maxLevel;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level >= 1 && level <= maxLevel)
        {
            return level;
        }

        _problems.Add($"{At(Child(mapping, "level")!.Start)}: pipeline.level '{text}' must be fastest, optimal, smallest or a number from 1 to {maxLevel} for {kind.ToString().ToLowerInvariant()}");
        return PipelineSpec.DefaultLevel(kind);
    }

    private int ReadInt(YamlMappingNode mapping, string key, int fallback, int min, int max) =>
        ReadWhole(mapping, "pipeline.", key, fallback, min, max);
}
