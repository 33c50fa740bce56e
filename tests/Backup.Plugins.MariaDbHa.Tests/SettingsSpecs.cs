using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class SettingsSpecs
{
    private static PluginSettings Settings(Dictionary<string, object> values) => SettingsBuilder.From(values);

    private static BackupSettingsException CreateFails(PluginSettings settings)
    {
        var act = () => new MariaDbHaPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory()));
        return act.Should().Throw<BackupSettingsException>().Which;
    }

    [Fact]
    public void Every_settings_problem_is_reported_at_once()
    {
        var settings = Settings(new()
        {
            ["port"] = "abc",
            ["password"] = new Dictionary<string, object> { ["env"] = "X", ["file"] = "/run/secret" },
        });

        var problems = CreateFails(settings).Problems;

        problems.Should().HaveCount(3);
        problems.Should().ContainSingle(p => p.Contains("source.settings.host is required"));
        problems.Should().ContainSingle(p => p.Contains("source.settings.port must be an integer"));
        problems.Should().ContainSingle(p => p.Contains("source.settings.password must set exactly one of kubernetesSecret, file or env (found file and env)"));
    }

    [Fact]
    public void A_missing_password_section_is_a_problem()
    {
        var problems = CreateFails(Settings(new() { ["host"] = "db" })).Problems;

        problems.Should().ContainSingle().Which.Should().Contain("source.settings.password is required");
    }

    [Fact]
    public void A_password_section_without_a_source_is_a_problem()
    {
        var problems = CreateFails(Settings(new() { ["host"] = "db", ["password"] = new Dictionary<string, object>() })).Problems;

        problems.Should().ContainSingle().Which.Should().Contain("(found none)");
    }

    [Fact]
    public void A_kubernetes_secret_needs_a_namespace_and_a_name()
    {
        var settings = Settings(new()
        {
            ["host"] = "db",
            ["password"] = new Dictionary<string, object> { ["kubernetesSecret"] = new Dictionary<string, object> { ["key"] = "pw" } },
        });

        var problems = CreateFails(settings).Problems;

        problems.Should().HaveCount(2);
        problems.Should().Contain(p => p.EndsWith("source.settings.password.kubernetesSecret.namespace is required"));
        problems.Should().Contain(p => p.EndsWith("source.settings.password.kubernetesSecret.name is required"));
    }

    [Fact]
    public void An_entry_name_with_a_directory_is_a_problem()
    {
        var settings = Settings(SourceRun.ServerSettings(SourceRun.EnvPassword("X"), ("entryName", "../dump.sql")));

        CreateFails(settings).Problems.Should().ContainSingle().Which.Should().Contain("entryName must be a plain file name");
    }

    [Fact]
    public void Valid_settings_create_a_source_without_touching_the_network()
    {
        var settings = Settings(new()
        {
            ["host"] = "no-such-host.invalid",
            ["password"] = new Dictionary<string, object>
            {
                ["kubernetesSecret"] = new Dictionary<string, object> { ["namespace"] = "db", ["name"] = "mariadb" },
            },
            ["extraArgs"] = new[] { "--skip-dump-date" },
        });

        var source = new MariaDbHaPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory()));

        source.Should().NotBeNull();
        settings.Problems.Should().BeEmpty();
        settings.UnreadKeys.Should().BeEmpty();
    }

    [Fact]
    public void A_misspelt_key_is_left_unread_so_the_host_reports_it()
    {
        var settings = Settings(new()
        {
            ["host"] = "db",
            ["password"] = new Dictionary<string, object> { ["env"] = "PW", ["fiel"] = "/x" },
            ["prot"] = "3307",
        });

        new MariaDbHaPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory()));

        settings.UnreadKeys.Should().HaveCount(2);
        settings.UnreadKeys.Should().Contain(k => k.EndsWith("source.settings.prot")).And.Contain(k => k.EndsWith("source.settings.password.fiel"));
    }

    [Fact]
    public void Host_hosts_and_kubernetes_service_exclude_each_other_and_bad_values_are_named()
    {
        var settings = Settings(new()
        {
            ["host"] = "db",
            ["hosts"] = new[] { "db-0:3306" },
            ["password"] = new Dictionary<string, object> { ["env"] = "PW" },
            ["layout"] = "everything",
            ["maxAttempts"] = "0",
        });

        var problems = CreateFails(settings).Problems;

        problems.Should().HaveCount(3);
        problems.Should().Contain(p => p.EndsWith("source.settings.hosts cannot be combined with host: set one of host, hosts or kubernetesService"));
        problems.Should().Contain(p => p.EndsWith("source.settings.layout must be one of seed, galera-safe, schemas, not 'everything'"));
        problems.Should().Contain(p => p.EndsWith("source.settings.maxAttempts must be at least 1, not 0"));
    }

    [Fact]
    public void A_hosts_entry_that_is_not_host_or_host_port_is_named()
    {
        var settings = Settings(new()
        {
            ["hosts"] = new[] { "db-0:3306", "db-1:port", "[fd00::5]:3307" },
            ["password"] = new Dictionary<string, object> { ["env"] = "PW" },
        });

        CreateFails(settings).Problems.Should().ContainSingle().Which.Should().EndWith("source.settings.hosts has an entry 'db-1:port' that is not host or host:port");
    }

    [Theory]
    [InlineData("--result-file=/srv/plain.sql", "--result-file")]
    [InlineData("--res=/srv/plain.sql", "--res")]
    [InlineData("--result_file=/srv/plain.sql", "--result_file")]
    [InlineData("--loose-result-file=/srv/plain.sql", "--loose-result-file")]
    [InlineData("--tab=/srv", "--tab")]
    [InlineData("--log-error=/srv/log", "--log-error")]
    [InlineData("--debug=d:t:o,/srv/trace", "--debug")]
    [InlineData("--host=elsewhere", "--host")]
    [InlineData("--ho=elsewhere", "--ho")]
    [InlineData("--port=3307", "--port")]
    [InlineData("--socket=/run/other.sock", "--socket")]
    [InlineData("--protocol=pipe", "--protocol")]
    [InlineData("--user=other", "--user")]
    [InlineData("--password=secret", "--password")]
    [InlineData("--defaults-file=/srv/my.cnf", "--defaults-file")]
    [InlineData("--defaults-extra-file=/srv/my.cnf", "--defaults-extra-file")]
    [InlineData("--defaults-group-suffix=x", "--defaults-group-suffix")]
    [InlineData("--no-defaults", "--no-defaults")]
    [InlineData("--plugin-dir=/srv/plugins", "--plugin-dir")]
    [InlineData("--default-auth=evil", "--default-auth")]
    [InlineData("--delete-master-logs", "--delete-master-logs")]
    [InlineData("--skip-comments", "--skip-comments")]
    [InlineData("--skip-dump-dat", "--skip-dump-dat")]
    [InlineData("-r/srv/plain.sql", "-r")]
    [InlineData("-T", "-T")]
    [InlineData("-uother", "-u")]
    [InlineData("mysql", "mysql")]
    [InlineData("--", "--")]
    public void An_extra_argument_that_writes_files_changes_the_target_or_is_abbreviated_is_refused_by_name(string argument, string named)
    {
        var settings = Settings(SourceRun.ServerSettings(SourceRun.EnvPassword("PW"), ("extraArgs", new[] { "--skip-dump-date", argument })));

        var problem = CreateFails(settings).Problems.Should().ContainSingle().Subject;

        problem.Should().Contain("source.settings.extraArgs has ").And.Contain($"'{named}'").And.NotContain("/srv");
    }

    [Fact]
    public void Extra_arguments_that_only_shape_the_dump_are_accepted_in_every_spelling_the_client_takes()
    {
        string[] extraArgs =
        [
            "--skip-dump-date", "--hex-blob", "--ignore-table=shop.audit", "--skip_extended_insert", "--loose-skip-triggers",
            "--disable-keys", "--enable-quote-names", "--where=id < 10", "--max-allowed-packet=1G", "--ssl-verify-server-cert", "--ssl-ca=/etc/ssl/db.pem",
        ];
        var settings = Settings(SourceRun.ServerSettings(SourceRun.EnvPassword("PW"), ("extraArgs", extraArgs)));

        new MariaDbHaPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory()));

        settings.Problems.Should().BeEmpty();
    }

    [Theory]
    [InlineData("host", "db-0\nX-Injected: 1", "U+000A at position 5")]
    [InlineData("user", "root\r", "U+000D at position 5")]
    [InlineData("hosts", "db-1\t:3306", "U+0009 at position 5")]
    public void A_host_or_user_with_a_control_character_is_refused(string key, string escaped, string where)
    {
        var value = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var settings = key == "hosts"
            ? Settings(new() { ["hosts"] = new[] { "db-0", value }, ["password"] = SourceRun.EnvPassword("PW") })
            : Settings(SourceRun.ServerSettings(SourceRun.EnvPassword("PW"), (key, value)));

        CreateFails(settings).Problems.Should().ContainSingle()
            .Which.Should().EndWith($"source.settings.{key} must not contain control characters ({where})");
    }

    [Fact]
    public void Galera_settings_are_read_without_touching_the_network()
    {
        var settings = Settings(new()
        {
            ["kubernetesService"] = new Dictionary<string, object> { ["namespace"] = "db", ["name"] = "mariadb-internal", ["portName"] = "mysql" },
            ["password"] = new Dictionary<string, object> { ["env"] = "PW" },
            ["layout"] = "galera-safe",
            ["desync"] = "true",
            ["prefer"] = new[] { "mariadb-2" },
            ["avoid"] = new[] { "mariadb-0" },
            ["maxAttempts"] = "2",
            ["connectTimeoutSeconds"] = "3",
            ["recordBinlogPosition"] = "false",
        });

        new MariaDbHaPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory())).Should().NotBeNull();
        settings.UnreadKeys.Should().BeEmpty();
    }

    [Fact]
    public void The_plugin_is_named_mariadb_ha()
    {
        new MariaDbHaPlugin().Name.Should().Be("mariadb-ha");
    }
}
