namespace Backup.Abstractions;

/// <summary>A source that says, from its settings alone, what entries it will write: the host checks the pipeline against it before any dump (contract 1.3).</summary>
/// <remarks>
/// An optional capability beside <see cref="IBackupSource"/>, read after <see cref="IBackupSourcePlugin.CreateSource"/>
/// and before <see cref="IBackupSource.BackupAsync"/>, also by <c>backup validate</c>: it must not touch the network.
/// It is a property of the created source, not of the plugin assembly, because settings decide it (mariadb-ha writes
/// one entry or two depending on its layout). A source without it keeps the earlier behaviour: streaming objects are
/// named <c>.sql.gz</c> / <c>.sql.zst</c> and a second entry fails the run only when it is written.
/// </remarks>
public interface IShapedBackupSource : IBackupSource
{
    /// <summary>The entries this source writes with its settings.</summary>
    BackupEntryShape EntryShape { get; }
}
