using Backup.Abstractions;
using Backup.Host.PointInTime;

namespace Backup.Host.Tests;

public sealed class LogChainSpecs
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static LogPosition At(long sequence) => new("1", sequence, $"1-1-{sequence}");

    // A file of transactions first..last, logged one per second from Noon + first seconds.
    private static LogIndex File(long first, long last, string node = "galera1", long? previous = null) =>
        new($"pitr/binlogs/{first}-{node}.gz", $"binlog.{first:D6}", node, At(first), At(last), Noon.AddSeconds(first), Noon.AddSeconds(last), "sha1", 1, Noon, null, At(previous ?? first - 1));

    [Fact]
    public void Files_that_overlap_after_a_fail_over_have_no_gap_and_replay_skips_what_is_already_there()
    {
        var files = new[] { File(1, 10), File(11, 20, "galera1"), File(15, 30, "galera3") };

        LogChain.Gaps(files).Should().BeEmpty();
        var plan = LogChain.Plan(files, At(12), At(25), null);

        plan.Reached.Should().BeTrue();
        plan.Gaps.Should().BeEmpty();
        plan.Segments.Select(s => (s.Index.First.Sequence, s.StartAfter?.Sequence)).Should().Equal((11L, (long?)12L), (15L, 20L));
    }

    [Fact]
    public void A_missing_file_is_a_gap_between_its_neighbours()
    {
        var files = new[] { File(1, 10), File(21, 30) };

        LogChain.Gaps(files).Should().ContainSingle().Which.ToString().Should().Be("after 1-1-10 before 1-1-21");
        LogChain.Plan(files, At(5), At(25), null).Gaps.Should().ContainSingle();
        LogChain.Plan(files, At(5), At(9), null).Gaps.Should().BeEmpty("the target comes before the gap");
    }

    [Fact]
    public void A_sequence_number_the_cluster_skipped_is_no_gap_when_the_next_file_continues_from_the_one_before()
    {
        var files = new[] { File(1, 114), File(116, 120, previous: 114) };

        LogChain.Gaps(files).Should().BeEmpty();
        LogChain.Plan(files, At(100), At(118), null).Gaps.Should().BeEmpty();
        LogChain.Gaps([File(1, 114), File(117, 120, previous: 115)]).Should().ContainSingle("a file that continues from 115 lacks it");
    }

    [Fact]
    public void A_target_time_replays_the_files_up_to_the_one_holding_its_second()
    {
        var files = new[] { File(1, 10), File(11, 20), File(21, 30) };

        var plan = LogChain.Plan(files, At(3), null, Noon.AddSeconds(15.7));

        plan.Reached.Should().BeTrue();
        plan.Segments.Select(s => s.Index.First.Sequence).Should().Equal(1, 11);
        plan.Segments[0].StartAfter.Should().Be(At(3));
        plan.Segments[1].StartAfter.Should().BeNull();
    }

    [Fact]
    public void A_target_beyond_the_archive_is_not_reached()
    {
        var files = new[] { File(1, 10) };

        LogChain.Plan(files, At(3), At(11), null).Reached.Should().BeFalse();
        LogChain.Plan(files, At(3), null, Noon.AddSeconds(11)).Reached.Should().BeFalse();
    }
}
