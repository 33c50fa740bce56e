using Backup.Abstractions;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The entries a dump writes: one SQL file, or with the galera-safe layout two (the data and <c>users.sql</c>), which streaming mode cannot store.</summary>
internal sealed partial class MariaDbHaSource : IShapedBackupSource
{
    /// <summary>The type of every entry this source writes: SQL text, compressed by the host.</summary>
    public const string Extension = "sql";

    public BackupEntryShape EntryShape { get; } = new(settings.Layout == DumpLayout.GaleraSafe ? null : settings.EntryName, Extension);
}
