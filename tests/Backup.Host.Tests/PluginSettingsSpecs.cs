using Backup.Abstractions;

namespace Backup.Host.Tests;

public sealed class PluginSettingsSpecs
{
    [Fact]
    public void Getters_collect_every_problem_instead_of_throwing_at_the_first()
    {
        var settings = Settings(("port", "eighty"), ("compress", "maybe"));

        settings.GetRequiredString("bucket");
        settings.GetInt32("port", 3306).Should().Be(3306);
        settings.GetBoolean("compress", true).Should().BeTrue();

        settings.Problems.Should().Equal(
            "job.yaml:1:1: storage.settings.bucket is required",
            "job.yaml:2:2: storage.settings.port must be an integer, not 'eighty'",
            "job.yaml:2:2: storage.settings.compress must be true or false, not 'maybe'");
        settings.Invoking(s => s.ThrowIfInvalid()).Should().Throw<BackupSettingsException>().Which.Problems.Should().HaveCount(3);
    }

    [Fact]
    public void Keys_nobody_read_are_reported_as_unread_including_nested_ones()
    {
        var nested = new PluginSettings("storage.settings.tls", "job.yaml:3:3", [new SettingValue("caFile", "/ca.pem", "job.yaml:4:4"), new SettingValue("verfiy", "true", "job.yaml:5:5")]);
        var settings = new PluginSettings("storage.settings", "job.yaml:1:1",
        [
            new SettingValue("bucket", "b", "job.yaml:2:2"),
            new SettingValue("regoin", "x", "job.yaml:3:2"),
            new SettingValue("tls", nested, "job.yaml:3:3"),
        ]);

        settings.GetString("bucket");
        settings.GetSection("tls")!.GetString("caFile");

        settings.UnreadKeys.Should().BeEquivalentTo("job.yaml:3:2: storage.settings.regoin", "job.yaml:5:5: storage.settings.tls.verfiy");
    }

    [Fact]
    public void A_scalar_where_a_section_is_expected_is_a_problem_not_an_exception()
    {
        var settings = Settings(("password", "hunter2"));

        settings.GetSection("password").Should().BeNull();

        settings.Problems.Should().ContainSingle().Which.Should().Be("job.yaml:2:2: storage.settings.password must be a mapping of settings");
    }

    private static PluginSettings Settings(params (string Key, string Value)[] values) =>
        new("storage.settings", "job.yaml:1:1", values.Select(v => new SettingValue(v.Key, v.Value, "job.yaml:2:2")));
}
