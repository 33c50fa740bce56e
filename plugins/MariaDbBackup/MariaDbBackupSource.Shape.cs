using Backup.Abstractions;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>The one entry a physical backup writes: mariadb-backup's mbstream, uncompressed (so the host's compressor still pays), stored as <c>&lt;id&gt;.mbstream.zst</c> in streaming mode.</summary>
internal sealed partial class MariaDbBackupSource : IShapedBackupSource
{
    /// <summary>The type of the entry: <c>mbstream -x</c> reads it.</summary>
    public const string Extension = "mbstream";

    public BackupEntryShape EntryShape { get; } = new(settings.EntryName, Extension);
}
