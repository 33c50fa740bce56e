using Backup.Host.Pipeline;

namespace Backup.Host.Tests;

public sealed class ArtifactNamesSpecs
{
    [Fact]
    public void The_default_name_is_the_job_and_a_sortable_utc_timestamp()
    {
        var startedAt = new DateTimeOffset(2026, 11, 25, 4, 0, 7, TimeSpan.FromHours(2));

        ArtifactNames.Render("{job}-{timestamp}", "nightly", startedAt).Should().Be("nightly-20261125T020007Z");
    }

    [Fact]
    public void Unique_is_six_random_hex_digits_drawn_anew_for_every_id()
    {
        var startedAt = new DateTimeOffset(2026, 11, 25, 4, 0, 7, TimeSpan.Zero);

        var ids = Enumerable.Range(0, 50).Select(_ => ArtifactNames.Render("{job}-{timestamp}-{unique}", "nightly", startedAt)).ToList();

        ids.Should().AllSatisfy(id => id.Should().MatchRegex("^nightly-20261125T040007Z-[0-9a-f]{6}$"));
        ids.Distinct().Should().HaveCountGreaterThan(45, "24 random bits rarely repeat in 50 draws");
        ArtifactNames.Render("{job}-{unique}", "nightly", startedAt, unique: "abc123").Should().Be("nightly-abc123");
    }

    [Theory]
    [InlineData("", "a.tar.gz", "a.tar.gz")]
    [InlineData("mariadb-ha-backup", "a.tar.gz", "mariadb-ha-backup/a.tar.gz")]
    [InlineData("cells/cell-1", "a.tar.gz", "cells/cell-1/a.tar.gz")]
    public void Keys_are_prefix_slash_file_name_as_in_the_seed(string prefix, string file, string expected) =>
        ArtifactNames.Key(prefix, file).Should().Be(expected);

    [Theory]
    [InlineData("{job}-{timestamp}", true)]
    [InlineData("{job}-{timestamp}-{unique}", true)]
    [InlineData("fixed-name", true)]
    [InlineData("{job}/{timestamp}", false)]
    [InlineData("{job} {timestamp}", false)]
    [InlineData("{date}", false)]
    public void Only_safe_templates_are_accepted(string template, bool valid) =>
        (ArtifactNames.ValidateTemplate(template) is null).Should().Be(valid);
}
