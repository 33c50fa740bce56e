using System.Globalization;
using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.MariaDbBackup.Tests;

/// <summary>When the source builds on the previous backup, against the real shared MariaDB (whose datadir is local): only on the same node's LSNs.</summary>
public sealed class IncrementSpecs : IDisposable
{
    private readonly TempDir _dir = new("backup-increment-");
    private readonly CapturingLoggerFactory _logs = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_previous_backup_of_the_same_node_is_built_on_with_its_lsn()
    {
        var full = await BackUpAsync(previous: null);
        var node = $"{TestServers.MariaDbHost}:{TestServers.MariaDbPort}";

        var increment = await BackUpAsync(new PreviousBackup("full-1", full.Metadata));

        full.Metadata["node"].Should().Be(node);
        increment.BasedOn.Should().Be("full-1");
        increment.Metadata["backupType"].Should().Be("incremental");
        increment.Metadata["fromLsn"].Should().Be(full.Metadata["toLsn"]);
    }

    [Fact]
    public async Task A_previous_backup_of_another_node_gives_a_full_backup_and_says_why()
    {
        var previous = new PreviousBackup("elsewhere-1", new Dictionary<string, string> { ["node"] = "10.0.0.9:3306", ["toLsn"] = "44420" });

        var result = await BackUpAsync(previous);

        result.BasedOn.Should().BeNull();
        result.Metadata["backupType"].Should().Be("full-backuped");
        _logs.Messages.Should().Contain(m => m.Contains("Full backup: the previous backup elsewhere-1 was taken from 10.0.0.9:3306", StringComparison.Ordinal));
    }

    private async Task<SourceResult> BackUpAsync(PreviousBackup? previous)
    {
        var settings = SettingsBuilder.From(new Dictionary<string, object>
        {
            ["host"] = TestServers.MariaDbHost,
            ["port"] = TestServers.MariaDbPort.ToString(CultureInfo.InvariantCulture),
            ["password"] = new Dictionary<string, object> { ["env"] = TestServers.MariaDbPasswordVariable },
        });
        var source = new MariaDbBackupPlugin().CreateSource(new PluginContext(settings, _logs));
        var work = Directory.CreateDirectory(_dir.Combine(Guid.NewGuid().ToString("N"))).FullName;
        var context = new BackupContext("job", "id", DateTimeOffset.UtcNow, work, new MemoryBackupWriter()) { Previous = previous };
        return await source.BackupAsync(context, CancellationToken.None);
    }
}
