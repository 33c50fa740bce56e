using Backup.Host.Stored;

namespace Backup.Host.Tests;

public sealed class ArtifactNamePatternSpecs
{
    [Theory]
    [InlineData("{job}-{timestamp}", "nightly-20260315T040000Z", true)]
    [InlineData("{job}-{timestamp}", "other-20260315T040000Z", false)]
    [InlineData("{job}-{timestamp}", "nightly-20260315T040000Z-copy", false)]
    [InlineData("{job}-{timestamp}", "old-nightly-20260315T040000Z", false)]
    [InlineData("{job}-{timestamp}", "nightly-20261315T040000Z", false)]
    [InlineData("{job}-{timestamp}", "nightly-2026031T040000Z", false)]
    [InlineData("{job}-{timestamp}", "nightly-latest", false)]
    [InlineData("db.{job}.{timestamp}.full", "db.nightly.20260315T040000Z.full", true)]
    [InlineData("db.{job}.{timestamp}.full", "dbXnightlyX20260315T040000ZXfull", false)]
    [InlineData("{timestamp}-{job}-{timestamp}", "20260315T040000Z-nightly-20260315T040000Z", true)]
    [InlineData("{timestamp}-{job}-{timestamp}", "20260315T040000Z-nightly-20260316T040000Z", false)]
    [InlineData("{job}-{timestamp}-{unique}", "nightly-20260315T040000Z-0a9f3c", true)]
    [InlineData("{job}-{timestamp}-{unique}", "nightly-20260315T040000Z", true)]
    [InlineData("{job}-{timestamp}-{unique}", "nightly-20260315T040000Z-", false)]
    [InlineData("{job}-{timestamp}-{unique}", "nightly-20260315T040000Z0a9f3c", false)]
    [InlineData("{job}-{timestamp}-{unique}", "nightly-20260315T040000Z-0A9F3C", false)]
    [InlineData("{job}-{timestamp}-{unique}", "nightly-20260315T040000Z-0a9f3", false)]
    [InlineData("{job}-{timestamp}-{unique}", "nightly-20260315T040000Z-0a9f3c-copy", false)]
    [InlineData("{job}.{unique}.{timestamp}", "nightly.0a9f3c.20260315T040000Z", true)]
    [InlineData("{job}.{unique}.{timestamp}", "nightly.20260315T040000Z", true)]
    [InlineData("{unique}{job}", "0a9f3cnightly", true)]
    public void Only_names_the_template_produces_for_the_job_match(string template, string id, bool matches)
    {
        new ArtifactNamePattern(template, "nightly").Matches(id, out _).Should().Be(matches);
    }

    [Fact]
    public void Under_the_default_name_the_ids_of_the_earlier_default_still_belong_to_the_job()
    {
        var pattern = new ArtifactNamePattern(Backup.Host.Spec.ArtifactSpec.DefaultNameTemplate, "nightly");

        pattern.Matches("nightly-20260315T040506Z", out var old).Should().BeTrue();
        pattern.Matches("nightly-20261130T010203Z-b4c0ff", out var current).Should().BeTrue();
        old.Should().Be(new DateTimeOffset(2026, 3, 15, 4, 5, 6, TimeSpan.Zero));
        current.Should().Be(new DateTimeOffset(2026, 11, 30, 1, 2, 3, TimeSpan.Zero));
    }

    [Fact]
    public void The_timestamp_is_read_back_as_utc()
    {
        new ArtifactNamePattern("{job}-{timestamp}", "nightly").Matches("nightly-20260315T040506Z", out var timestamp).Should().BeTrue();

        timestamp.Should().Be(new DateTimeOffset(2026, 3, 15, 4, 5, 6, TimeSpan.Zero));
    }

    [Fact]
    public void A_template_without_a_timestamp_matches_its_fixed_name_with_no_time()
    {
        var pattern = new ArtifactNamePattern("{job}-latest", "nightly");

        pattern.HasTimestamp.Should().BeFalse();
        pattern.Matches("nightly-latest", out var timestamp).Should().BeTrue();
        timestamp.Should().BeNull();
    }

    [Fact]
    public void Regex_characters_in_the_job_name_are_literal()
    {
        new ArtifactNamePattern("{job}-{timestamp}", "a.b").Matches("aXb-20260315T040000Z", out _).Should().BeFalse();
    }
}
