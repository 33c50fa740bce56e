using Backup.Abstractions;
using Backup.Host.Retention;
using Backup.Host.Spec;

namespace Backup.Host.Tests;

public sealed class RetentionSpecSpecs
{
    private const string Job = "name: nightly\nsource: {plugin: mariadb-ha}\nstorage: {plugin: local, settings: {path: /b}}\n";

    private static JobSpec Parse(string yaml) => new SpecLoader(_ => null).Parse(yaml, "job.yaml");

    [Fact]
    public void A_spec_without_retention_keeps_everything()
    {
        Parse(Job).Retention.Should().BeNull();
    }

    [Fact]
    public void The_retention_section_is_read_with_absent_rules_as_zero()
    {
        Parse(Job + "retention:\n  keepLast: 3\n  keepMonthly: 12\n").Retention.Should().Be(new RetentionPolicy(3, 0, 0, 12));
    }

    [Fact]
    public void Every_mistake_in_the_retention_section_is_reported_with_its_line()
    {
        var act = () => Parse(Job + "retention:\n  keepLast: -1\n  keepDaly: 7\n  keepWeekly: many\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().BeEquivalentTo(
            "job.yaml:5:13: retention.keepLast must be a whole number of 0 or more, not '-1'",
            "job.yaml:6:3: unknown key 'retention.keepDaly' (expected one of: keepLast, keepDaily, keepWeekly, keepMonthly)",
            "job.yaml:7:15: retention.keepWeekly must be a whole number of 0 or more, not 'many'");
    }

    [Fact]
    public void A_retention_section_that_keeps_nothing_is_refused()
    {
        var act = () => Parse(Job + "retention:\n  keepLast: 0\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle().Which.Should().Contain("retention must keep something");
    }
}
