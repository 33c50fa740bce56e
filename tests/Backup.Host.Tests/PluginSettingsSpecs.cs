using Backup.Abstractions;
using Backup.Testing;

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

    [Fact]
    public void Checked_getters_word_every_mistake_the_same_way_for_every_plugin()
    {
        var settings = Settings(("blocks", "0"), ("attempts", "-1"), ("tier", "Frozen"), ("endpoint", "s3.example.com"), ("entry", "../x"), ("path", "relative/dir"));

        settings.GetInt32("blocks", 8, 1, 64).Should().Be(8);
        settings.GetInt32("attempts", 3, 1, int.MaxValue).Should().Be(3);
        settings.GetChoice("tier", ["Hot", "Cool"]).Should().BeNull();
        settings.GetHttpUrl("endpoint").Should().BeNull();
        settings.GetEntryName("entry", "dump.sql").Should().Be("../x");
        settings.GetRequiredAbsolutePath("path").Should().Be("relative/dir");

        settings.Problems.Should().Equal(
            "job.yaml:2:2: storage.settings.blocks must be between 1 and 64, not 0",
            "job.yaml:2:2: storage.settings.attempts must be at least 1, not -1",
            "job.yaml:2:2: storage.settings.tier must be one of Hot, Cool, not 'Frozen'",
            "job.yaml:2:2: storage.settings.endpoint must be an http:// or https:// URL, not 's3.example.com'",
            "job.yaml:2:2: storage.settings.entry must be a plain file name of letters, digits, '.', '_' and '-' (not 'manifest.json'), not '../x'",
            "job.yaml:2:2: storage.settings.path must be an absolute path, not 'relative/dir'");
    }

    [Fact]
    public void Checked_getters_take_blank_as_absent_and_return_choices_as_spelled_in_the_list()
    {
        var settings = Settings(("blocks", " "), ("tier", "cool"), ("endpoint", "https://s3.example.com:9000"), ("entry", ""));

        settings.GetInt32("blocks", 8, 1, 64).Should().Be(8);
        settings.GetChoice("tier", ["Hot", "Cool"]).Should().Be("Cool");
        settings.GetChoice("absent", ["Hot", "Cool"], "Hot").Should().Be("Hot");
        settings.GetHttpUrl("endpoint")!.Port.Should().Be(9000);
        settings.GetEntryName("entry", "dump.sql").Should().Be("dump.sql");

        settings.Problems.Should().BeEmpty();
        settings.UnreadKeys.Should().BeEmpty();
    }

    [Fact]
    public async Task A_secret_is_named_by_env_or_file_and_read_only_when_asked_for()
    {
        using var dir = new TempDir();
        var file = dir.Combine("secret");
        await File.WriteAllTextAsync(file, "\uFEFF s3cret \n");
        var settings = new PluginSettings("source.settings", "job.yaml:1:1",
        [
            new SettingValue("password", Nested("source.settings.password", ("file", file)), "job.yaml:2:2"),
            new SettingValue("token", Nested("source.settings.token", ("env", "BACKUP_TEST_UNSET_" + Guid.NewGuid().ToString("N"))), "job.yaml:4:2"),
        ]);

        var password = settings.GetSecret("password")!;
        var token = settings.GetSecret("token")!;

        settings.Problems.Should().BeEmpty();
        password.ToString().Should().Be($"source.settings.password (file '{file}')");
        (await password.ReadAsync(default)).Should().Be(" s3cret ", "only the byte-order mark and the line end are not part of a secret");
        token.Variable.Should().StartWith("BACKUP_TEST_UNSET_");
        var act = () => token.ReadAsync(default);
        (await act.Should().ThrowAsync<BackupCredentialsException>()).Which.Message.Should().Be($"source.settings.token: ${token.Variable} is not set or empty");
    }

    [Fact]
    public void A_secret_must_name_exactly_one_place_and_never_be_written_in_the_spec()
    {
        var settings = new PluginSettings("source.settings", "job.yaml:1:1",
        [
            new SettingValue("password", "hunter2", "job.yaml:2:2"),
            new SettingValue("token", Nested("source.settings.token", ("env", "A"), ("file", "/b")), "job.yaml:3:2"),
            new SettingValue("key", Nested("source.settings.key", ("vault", "x")), "job.yaml:4:2"),
        ]);

        settings.GetSecret("password").Should().BeNull();
        settings.GetSecret("token").Should().BeNull();
        settings.GetSecret("key", "vault").Should().BeNull("the plugin reads the places it adds itself");
        settings.GetSecret("absent").Should().BeNull();

        settings.Problems.Should().Equal(
            "job.yaml:2:2: source.settings.password must be a mapping that sets exactly one of file or env (a secret is never written in the spec)",
            "job.yaml:3:2: source.settings.token must set exactly one of file or env (found file and env)");
    }

    private static PluginSettings Nested(string path, params (string Key, string Value)[] values) =>
        new(path, "job.yaml:3:3", values.Select(v => new SettingValue(v.Key, v.Value, "job.yaml:3:4")));

    private static PluginSettings Settings(params (string Key, string Value)[] values) =>
        new("storage.settings", "job.yaml:1:1", values.Select(v => new SettingValue(v.Key, v.Value, "job.yaml:2:2")));
}
