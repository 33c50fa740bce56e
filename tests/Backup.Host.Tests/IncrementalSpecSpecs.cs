using Backup.Abstractions;
using Backup.Host.Spec;

namespace Backup.Host.Tests;

public sealed class IncrementalSpecSpecs
{
    private const string Job = "name: nightly\nsource: {plugin: mariadb-backup}\nstorage: {plugin: local, settings: {path: /b}}\n";

    private static JobSpec Parse(string yaml) => new SpecLoader(_ => null).Parse(yaml, "job.yaml");

    [Fact]
    public void A_spec_without_an_incremental_section_makes_full_backups_only()
    {
        Parse(Job).Incremental.Should().BeNull();
    }

    [Fact]
    public void The_incremental_section_sets_how_often_a_full_backup_is_made()
    {
        Parse(Job + "incremental:\n  fullEvery: 7\n").Incremental.Should().Be(new IncrementalSpec(7));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("101")]
    [InlineData("weekly")]
    [InlineData("")]
    public void A_chain_length_out_of_range_is_refused_with_its_line(string value)
    {
        var act = () => Parse(Job + $"incremental:\n  fullEvery: {value}\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle()
            .Which.Should().StartWith("job.yaml:").And.Contain("incremental.fullEvery must be a whole number from 2 to 100");
    }

    [Fact]
    public void An_unknown_key_in_the_section_is_refused()
    {
        var act = () => Parse(Job + "incremental:\n  fullEvery: 7\n  fullEveryDays: 7\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle().Which.Should().Contain("unknown key 'incremental.fullEveryDays'");
    }

    [Fact]
    public void Increments_together_with_encryption_are_refused()
    {
        var act = () => Parse(Job + "incremental:\n  fullEvery: 7\nencryption:\n  recipients: [age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p]\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle().Which.Should().Contain("incremental cannot be combined with encryption");
    }
}
