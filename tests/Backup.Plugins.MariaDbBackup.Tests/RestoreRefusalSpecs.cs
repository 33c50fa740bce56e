using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.MariaDbBackup.Tests;

public sealed class RestoreRefusalSpecs
{
    [Fact]
    public async Task Restoring_some_databases_of_a_physical_backup_is_refused_before_anything_is_read()
    {
        using var dir = new TempDir();
        var settings = SettingsBuilder.From(new Dictionary<string, object>
        {
            ["host"] = "127.0.0.1",
            ["password"] = new Dictionary<string, object> { ["env"] = "DB_PW" },
        });
        var source = (IRestorableBackupSource)new MariaDbBackupPlugin().CreateSource(new PluginContext(settings, new CapturingLoggerFactory()));
        var context = new RestoreContext("b-1", new Dictionary<string, string>(), new UnreadEntries(), new RestoreTarget(null, null) { DataDirectory = dir.Combine("datadir") }, Force: false, dir.Path)
        {
            Databases = ["shop"],
        };

        var act = () => source.RestoreAsync(context, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupRestoreException>()).Which.Message.Should().StartWith("--database does not apply to a mariadb-backup restore");
        Directory.Exists(dir.Combine("datadir")).Should().BeFalse();
    }

    // The refusal comes first: an entry asked for here fails the spec.
    private sealed class UnreadEntries : IBackupReader
    {
        public IReadOnlyList<string> EntryNames => throw new InvalidOperationException("the entries were read");

        public Task<Stream> OpenAsync(string entryName, CancellationToken cancellationToken) => throw new InvalidOperationException("an entry was opened");
    }
}
