using System.Globalization;
using Backup.Host.Retention;

namespace Backup.Host.Tests;

public sealed class RetentionPlannerSpecs
{
    private static RetentionCandidate Complete(string timestamp) => new($"job-{timestamp}", Parse(timestamp), IsComplete: true);

    private static RetentionCandidate Incomplete(string timestamp) => new($"job-{timestamp}", Parse(timestamp), IsComplete: false);

    private static RetentionCandidate FutureDated(string timestamp) => new($"job-{timestamp}", Parse(timestamp), IsComplete: true, IsFutureDated: true);

    private static DateTimeOffset Parse(string timestamp) =>
        DateTimeOffset.ParseExact(timestamp, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static List<string> Kept(IEnumerable<RetentionCandidate> candidates, RetentionPolicy policy, string? protectedId = null) =>
        RetentionPlanner.Plan(candidates, policy, protectedId).Where(d => d.Keep).Select(d => d.Id["job-".Length..]).ToList();

    private static RetentionPolicy Policy(int last = 0, int daily = 0, int weekly = 0, int monthly = 0) => new(last, daily, weekly, monthly);

    [Fact]
    public void Keep_last_keeps_the_newest_n_whatever_order_they_come_in()
    {
        var candidates = new[] { "20260103T000000Z", "20260101T000000Z", "20260104T000000Z", "20260102T000000Z" }.Select(Complete);

        Kept(candidates, Policy(last: 2)).Should().Equal("20260104T000000Z", "20260103T000000Z");
    }

    [Fact]
    public void Keep_last_larger_than_the_number_of_backups_keeps_them_all()
    {
        Kept(new[] { "20260101T000000Z", "20260102T000000Z" }.Select(Complete), Policy(last: 5)).Should().HaveCount(2);
    }

    [Fact]
    public void Keep_daily_keeps_the_newest_backup_of_each_of_the_newest_n_days_that_have_one()
    {
        var candidates = new[]
        {
            "20260105T230000Z", "20260105T010000Z", // two on the 5th: the later one counts
            "20260103T120000Z",                     // the 4th has none: days without backups are not counted
            "20260102T080000Z", "20260102T070000Z",
            "20260101T000000Z",
        }.Select(Complete);

        Kept(candidates, Policy(daily: 3)).Should().Equal("20260105T230000Z", "20260103T120000Z", "20260102T080000Z");
    }

    [Fact]
    public void Days_are_utc_days()
    {
        // 23:30 and 00:30 UTC are different days even where local time would put them on the same one.
        var candidates = new[] { "20260102T003000Z", "20260101T233000Z" }.Select(Complete);

        Kept(candidates, Policy(daily: 2)).Should().HaveCount(2);
    }

    [Fact]
    public void Keep_weekly_uses_iso_weeks_starting_on_monday()
    {
        var candidates = new[]
        {
            "20260315T120000Z", // Sunday, ISO week 11
            "20260309T120000Z", // Monday, week 11
            "20260308T120000Z", // Sunday, week 10
            "20260302T120000Z", // Monday, week 10
            "20260301T120000Z", // Sunday, week 9
        }.Select(Complete);

        Kept(candidates, Policy(weekly: 2)).Should().Equal("20260315T120000Z", "20260308T120000Z");
    }

    [Fact]
    public void Iso_weeks_span_new_year()
    {
        // 2025-12-29 (Monday) to 2026-01-04 (Sunday) is ISO week 1 of 2026: one bucket.
        var candidates = new[] { "20260102T000000Z", "20251229T000000Z", "20251228T000000Z" }.Select(Complete);

        Kept(candidates, Policy(weekly: 5)).Should().Equal("20260102T000000Z", "20251228T000000Z");
    }

    [Fact]
    public void Keep_monthly_keeps_the_newest_backup_of_each_month()
    {
        var candidates = new[] { "20260331T000000Z", "20260301T000000Z", "20260228T235959Z", "20260101T000000Z", "20251231T000000Z" }.Select(Complete);

        Kept(candidates, Policy(monthly: 3)).Should().Equal("20260331T000000Z", "20260228T235959Z", "20260101T000000Z");
    }

    [Fact]
    public void Rules_combine_and_one_backup_may_satisfy_several()
    {
        var candidates = new[]
        {
            "20260315T100000Z", "20260315T080000Z", "20260314T230000Z", "20260310T120000Z",
            "20260302T120000Z", "20260220T120000Z", "20260131T120000Z", "20251231T120000Z",
        }.Select(Complete);

        var decisions = RetentionPlanner.Plan(candidates, Policy(last: 1, daily: 2, weekly: 2, monthly: 3));

        decisions.Where(d => d.Keep).Select(d => d.Id).Should().Equal(
            "job-20260315T100000Z", "job-20260314T230000Z", "job-20260302T120000Z", "job-20260220T120000Z", "job-20260131T120000Z");
        decisions[0].Reasons.Should().Equal("last", "daily", "weekly", "monthly");
        decisions.Single(d => d.Id == "job-20260314T230000Z").Reasons.Should().Equal("daily");
        decisions.Single(d => d.Id == "job-20260302T120000Z").Reasons.Should().Equal("weekly");
        decisions.Single(d => d.Id == "job-20251231T120000Z").Reasons.Should().Equal("no rule keeps it");
    }

    [Fact]
    public void A_backup_dated_in_the_future_is_kept_but_counts_for_no_rule_and_does_not_shield_incomplete_ones()
    {
        var candidates = new[]
        {
            FutureDated("20310101T000000Z"), Incomplete("20260107T000000Z"), Complete("20260106T000000Z"), Incomplete("20260105T000000Z"),
            Complete("20260104T000000Z"), Complete("20260103T000000Z"),
        };

        var decisions = RetentionPlanner.Plan(candidates, Policy(last: 2, daily: 1));

        decisions.Select(d => (d.Id["job-".Length..], d.Keep)).Should().Equal(
            ("20310101T000000Z", true), ("20260107T000000Z", true), ("20260106T000000Z", true), ("20260105T000000Z", false),
            ("20260104T000000Z", true), ("20260103T000000Z", false));
        decisions[0].Reasons.Should().Equal("dated in the future (wrong clock?), counts for no rule; remove it by hand if unwanted");
        decisions[2].Reasons.Should().Equal("last", "daily");
        decisions[4].Reasons.Should().Equal("last");
    }

    [Fact]
    public void The_result_is_newest_first_and_covers_every_candidate()
    {
        var candidates = new[] { "20260101T000000Z", "20260103T000000Z", "20260102T000000Z" }.Select(Complete).ToList();

        var decisions = RetentionPlanner.Plan(candidates, Policy(last: 1));

        decisions.Select(d => d.Id).Should().Equal("job-20260103T000000Z", "job-20260102T000000Z", "job-20260101T000000Z");
        decisions.Select(d => d.Keep).Should().Equal(true, false, false);
    }

    [Fact]
    public void The_backup_just_made_is_kept_even_when_no_rule_would_keep_it()
    {
        // Its clock was behind: the new backup sorts older than the rest.
        var candidates = new[] { "20260105T000000Z", "20260104T000000Z", "20260101T000000Z" }.Select(Complete);

        var decisions = RetentionPlanner.Plan(candidates, Policy(last: 1), protectedId: "job-20260101T000000Z");

        decisions.Where(d => d.Keep).Select(d => d.Id).Should().Equal("job-20260105T000000Z", "job-20260101T000000Z");
        decisions.Last().Reasons.Should().Equal("just made");
    }

    [Fact]
    public void Incomplete_backups_older_than_the_newest_complete_one_are_removed_and_newer_ones_kept()
    {
        var candidates = new[] { Incomplete("20260106T000000Z"), Complete("20260105T000000Z"), Incomplete("20260104T000000Z"), Complete("20260103T000000Z") };

        var decisions = RetentionPlanner.Plan(candidates, Policy(last: 5));

        decisions.Select(d => (d.Id, d.Keep)).Should().Equal(
            ("job-20260106T000000Z", true), ("job-20260105T000000Z", true), ("job-20260104T000000Z", false), ("job-20260103T000000Z", true));
        decisions[2].Reasons.Should().Equal("incomplete, older than the newest complete backup");
    }

    [Fact]
    public void Incomplete_backups_count_for_no_rule()
    {
        var candidates = new[] { Complete("20260105T000000Z"), Incomplete("20260104T000000Z"), Complete("20260103T000000Z") };

        Kept(candidates, Policy(last: 2)).Should().Equal("20260105T000000Z", "20260103T000000Z");
    }

    [Fact]
    public void Without_any_complete_backup_incomplete_ones_are_all_kept()
    {
        var candidates = new[] { Incomplete("20260105T000000Z"), Incomplete("20260101T000000Z") };

        Kept(candidates, Policy(last: 1)).Should().HaveCount(2);
    }

    [Fact]
    public void An_empty_policy_keeps_everything()
    {
        var candidates = new[] { Complete("20260105T000000Z"), Incomplete("20260101T000000Z"), Complete("20260103T000000Z") };

        Kept(candidates, Policy()).Should().HaveCount(3);
    }

    [Fact]
    public void No_candidates_give_no_decisions()
    {
        RetentionPlanner.Plan([], Policy(last: 3)).Should().BeEmpty();
    }

    [Fact]
    public void Backups_of_the_same_second_are_ordered_by_id_so_the_plan_is_deterministic()
    {
        var time = Parse("20260101T000000Z");
        var candidates = new[] { new RetentionCandidate("job-a", time, true), new RetentionCandidate("job-b", time, true) };

        RetentionPlanner.Plan(candidates, Policy(last: 1)).Where(d => d.Keep).Select(d => d.Id).Should().Equal("job-b");
        RetentionPlanner.Plan(candidates.Reverse(), Policy(last: 1)).Where(d => d.Keep).Select(d => d.Id).Should().Equal("job-b");
    }

    [Fact]
    public void A_kept_increment_keeps_its_whole_chain_and_says_why()
    {
        // full <- inc1 <- inc2 (newest); an older full backup nothing builds on.
        var candidates = new[] { "20260101T000000Z", "20260102T000000Z", "20260103T000000Z", "20260104T000000Z" }.Select(Complete);
        var basedOn = new Dictionary<string, string>
        {
            ["job-20260104T000000Z"] = "job-20260103T000000Z",
            ["job-20260103T000000Z"] = "job-20260102T000000Z",
        };

        var decisions = RetentionPlanner.KeepBases(RetentionPlanner.Plan(candidates, Policy(last: 1)), basedOn);

        decisions.Where(d => d.Keep).Select(d => d.Id).Should().Equal("job-20260104T000000Z", "job-20260103T000000Z", "job-20260102T000000Z");
        decisions.Single(d => d.Id == "job-20260102T000000Z").Reasons.Should().Equal("base of job-20260103T000000Z");
        decisions.Single(d => d.Id == "job-20260101T000000Z").Keep.Should().BeFalse();
    }

    [Fact]
    public void A_removed_increment_keeps_nothing_alive()
    {
        var candidates = new[] { "20260101T000000Z", "20260102T000000Z", "20260103T000000Z" }.Select(Complete);
        var basedOn = new Dictionary<string, string> { ["job-20260102T000000Z"] = "job-20260101T000000Z" };

        var decisions = RetentionPlanner.KeepBases(RetentionPlanner.Plan(candidates, Policy(last: 1)), basedOn);

        decisions.Where(d => d.Keep).Select(d => d.Id).Should().Equal("job-20260103T000000Z");
    }

    [Fact]
    public void A_base_kept_by_a_rule_as_well_lists_both_reasons()
    {
        var candidates = new[] { "20260101T000000Z", "20260102T000000Z" }.Select(Complete);
        var basedOn = new Dictionary<string, string> { ["job-20260102T000000Z"] = "job-20260101T000000Z" };

        var decisions = RetentionPlanner.KeepBases(RetentionPlanner.Plan(candidates, Policy(last: 2)), basedOn);

        decisions.Single(d => d.Id == "job-20260101T000000Z").Reasons.Should().Equal("last", "base of job-20260102T000000Z");
    }
}
