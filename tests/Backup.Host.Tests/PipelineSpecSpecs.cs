using Backup.Abstractions;
using Backup.Host.Spec;

namespace Backup.Host.Tests;

public sealed class PipelineSpecSpecs
{
    private const string Head = "name: nightly\nsource: {plugin: a}\nstorage: {plugin: b}\n";

    [Fact]
    public void Without_a_pipeline_section_a_backup_is_a_tar_gz_at_gzip_level_4()
    {
        var pipeline = Parse(Head).EffectivePipeline;

        pipeline.Should().Be(PipelineSpec.Default);
        pipeline.Mode.Should().Be(PipelineMode.Archive);
        pipeline.Compression.Should().Be(CompressionKind.Gzip);
        pipeline.Level.Should().Be(4);
        pipeline.Threads.Should().BeInRange(1, PipelineSpec.MaxDefaultThreads);
        pipeline.BlockSizeMiB.Should().Be(4);
        pipeline.ArchiveChunkMiB.Should().Be(64);
        pipeline.StallTimeoutSeconds.Should().Be(300);
        pipeline.TimeoutSeconds.Should().BeNull();
        pipeline.ProgressIntervalSeconds.Should().Be(30);
    }

    [Fact]
    public void The_progress_interval_is_read_and_checked_and_0_turns_progress_off()
    {
        Parse(Head + "pipeline: {progressIntervalSeconds: 5}\n").EffectivePipeline.ProgressIntervalSeconds.Should().Be(5);
        Parse(Head + "pipeline: {progressIntervalSeconds: 0}\n").EffectivePipeline.ProgressIntervalSeconds.Should().Be(0);

        var act = () => Parse(Head + "pipeline: {progressIntervalSeconds: -1}\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().Equal(
            "job.yaml:4:37: pipeline.progressIntervalSeconds '-1' must be a whole number from 0 to 86400");
    }

    [Fact]
    public void The_stall_timeout_and_the_time_limit_are_read_and_checked()
    {
        Parse(Head + "pipeline: {stallTimeoutSeconds: 60, timeoutSeconds: 3600}\n").EffectivePipeline
            .Should().Be(PipelineSpec.Default with { StallTimeoutSeconds = 60, TimeoutSeconds = 3600 });

        var act = () => Parse(Head + "pipeline: {stallTimeoutSeconds: 0, timeoutSeconds: soon}\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().BeEquivalentTo(
            "job.yaml:4:33: pipeline.stallTimeoutSeconds '0' must be a whole number from 1 to 86400",
            "job.yaml:4:52: pipeline.timeoutSeconds 'soon' must be a whole number from 1 to 604800");
    }

    [Fact]
    public void Every_pipeline_setting_is_read()
    {
        var spec = Parse(Head + "pipeline:\n  mode: streaming\n  compression: zstd\n  level: 7\n  threads: 3\n  blockSizeMiB: 8\n");

        spec.EffectivePipeline.Should().Be(new PipelineSpec(PipelineMode.Streaming, CompressionKind.Zstd, 7, 3, 8));
    }

    [Theory]
    [InlineData("gzip", "fastest", 1)]
    [InlineData("gzip", "optimal", 4)]
    [InlineData("gzip", "smallest", 9)]
    [InlineData("zstd", "fastest", 1)]
    [InlineData("zstd", "optimal", 3)]
    [InlineData("zstd", "smallest", 19)]
    public void Level_names_mean_the_same_for_both_compressors(string compression, string level, int expected)
    {
        var spec = Parse(Head + $"pipeline: {{mode: streaming, compression: {compression}, level: {level}}}\n");

        spec.EffectivePipeline.Level.Should().Be(expected);
    }

    [Fact]
    public void Every_pipeline_problem_is_reported_at_once()
    {
        var act = () => Parse(Head + "pipeline:\n  mode: fast\n  level: 10\n  threads: 0\n  blockSizeMiB: lots\n  colour: red\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().BeEquivalentTo(
            "job.yaml:9:3: unknown key 'pipeline.colour' (expected one of: mode, compression, level, threads, blockSizeMiB, archiveChunkMiB, stallTimeoutSeconds, timeoutSeconds, progressIntervalSeconds)",
            "job.yaml:5:9: pipeline.mode 'fast' is not one of: archive, streaming",
            "job.yaml:6:10: pipeline.level '10' must be fastest, optimal, smallest or a number from 1 to 9 for gzip",
            "job.yaml:7:12: pipeline.threads '0' must be a whole number from 1 to 64",
            "job.yaml:8:17: pipeline.blockSizeMiB 'lots' must be a whole number from 1 to 64");
    }

    [Fact]
    public void Zstd_is_refused_in_archive_mode_because_that_mode_writes_tar_gz()
    {
        var act = () => Parse(Head + "pipeline: {compression: zstd}\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().Equal(
            "job.yaml:4:25: pipeline.compression zstd needs pipeline.mode streaming (archive mode writes .tar.gz)");
    }

    [Fact]
    public void The_archive_chunk_size_is_read_and_0_keeps_one_tar_entry_per_source_entry()
    {
        Parse(Head + "pipeline: {archiveChunkMiB: 0}\n").EffectivePipeline.Should().Be(PipelineSpec.Default with { ArchiveChunkMiB = 0 });
        Parse(Head + "pipeline: {archiveChunkMiB: 1024}\n").EffectivePipeline.ArchiveChunkMiB.Should().Be(1024);

        var act = () => Parse(Head + "pipeline: {archiveChunkMiB: 2048}\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().Equal(
            "job.yaml:4:29: pipeline.archiveChunkMiB '2048' must be a whole number from 0 to 1024");
    }

    [Fact]
    public void An_archive_chunk_size_in_streaming_mode_is_refused_because_that_mode_writes_no_tar()
    {
        var act = () => Parse(Head + "pipeline: {mode: streaming, archiveChunkMiB: 16}\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().Equal(
            "job.yaml:4:46: pipeline.archiveChunkMiB applies to pipeline.mode archive only (streaming mode writes no tar)");
    }

    private static JobSpec Parse(string yaml) => new SpecLoader(_ => null).Parse(yaml, "job.yaml");
}
