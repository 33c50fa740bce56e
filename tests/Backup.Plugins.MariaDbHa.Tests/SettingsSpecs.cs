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
