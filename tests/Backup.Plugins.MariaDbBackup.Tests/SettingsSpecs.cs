using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.MariaDbBackup.Tests;

public sealed class SettingsSpecs
{
    [Fact]
    public void Every_settings_problem_is_reported_at_once_with_the_node_keys_read_as_mariadb_ha_reads_them()
    {
        var settings = SettingsBuilder.From(new Dictionary<string, object>
        {
            ["hosts"] = new[] { "db-0", "db-1:70000" },
            ["maxAttempts"] = "0",
            ["entryName"] = "../backup.mbstream",
            ["layout"] = "seed",
            ["password"] = new Dictionary<string, object> { ["env"] = "DB_PW" },
        });

        var act = () => new MariaDbBackupPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory()));
        var problems = act.Should().Throw<BackupSettingsException>().Which.Problems;

        problems.Should().HaveCount(3);
        problems.Should().ContainSingle(p => p.Contains("source.settings.hosts has an entry 'db-1:70000'"));
        problems.Should().ContainSingle(p => p.Contains("source.settings.maxAttempts must be at least 1"));
        problems.Should().ContainSingle(p => p.Contains("source.settings.entryName must be a plain file name"));
        settings.UnreadKeys.Should().ContainSingle(k => k.EndsWith("source.settings.layout", StringComparison.Ordinal), "a mariadb-ha key this source does not know is refused by validate");
    }

    [Fact]
    public void Working_settings_create_a_source_that_can_restore_into_a_datadir()
    {
        var settings = SettingsBuilder.From(new Dictionary<string, object>
        {
            ["host"] = "127.0.0.1",
            ["password"] = new Dictionary<string, object> { ["env"] = "DB_PW" },
        });

        var source = new MariaDbBackupPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory()));

        source.Should().BeAssignableTo<IRestorableBackupSource>();
    }
}
