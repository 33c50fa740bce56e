using Backup.Abstractions;
using Backup.MariaDb.Nodes;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>The validated settings of one <c>mariadb-backup</c> source.</summary>
/// <param name="Nodes">Which nodes, how to log in, which node to choose (the same keys as <c>mariadb-ha</c>).</param>
/// <param name="BackupCommand">The mariadb-backup executable (backup and <c>--prepare</c>).</param>
/// <param name="StreamCommand">The mbstream executable (restore: <c>-x</c>).</param>
/// <param name="EntryName">The one entry's name in the backup.</param>
internal sealed record MariaDbBackupSettings(NodeSettings Nodes, string BackupCommand, string StreamCommand, string EntryName)
{
    /// <summary>The default entry name: the stream as mariadb-backup wrote it.</summary>
    public const string DefaultEntryName = "backup.mbstream";

    /// <summary>Reads the settings, recording every problem in <paramref name="settings"/> instead of throwing.</summary>
    public static MariaDbBackupSettings Read(PluginSettings settings)
    {
        var nodes = NodeSettings.Read(settings);
        var backupCommand = settings.GetString("backupCommand", "mariadb-backup")!;
        var streamCommand = settings.GetString("streamCommand", "mbstream")!;
        var entryName = settings.GetEntryName("entryName", DefaultEntryName);

        return new MariaDbBackupSettings(nodes, backupCommand, streamCommand, entryName);
    }
}
