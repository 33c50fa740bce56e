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

    [Theory]
    [InlineData("", "a.tar.gz", "a.tar.gz")]
    [InlineData("mariadb-ha-backup", "a.tar.gz", "mariadb-ha-backup/a.tar.gz")]
    [InlineData("cells/cell-1", "a.tar.gz", "cells/cell-1/a.tar.gz")]
    public void Keys_are_prefix_slash_file_name_as_in_the_seed(string prefix, string file, string expected) =>
        ArtifactNames.Key(prefix, file).Should().Be(expected);

    [Theory]
    [InlineData("{job}-{timestamp}", true)]
    [InlineData("fixed-name", true)]
    [InlineData("{job}/{timestamp}", false)]
    [InlineData("{job} {timestamp}", false)]
    [InlineData("{date}", false)]
    public void Only_safe_templates_are_accepted(string template, bool valid) =>
        (ArtifactNames.ValidateTemplate(template) is null).Should().Be(valid);
}
