namespace Backup.Abstractions;

/// <summary>A source that can say what a server it restored into now holds, in the terms of its <see cref="ContentInventory"/>: needed by <c>backup drill</c>.</summary>
/// <remarks>
/// Added in contract 1.3, beside <see cref="IRestorableBackupSource"/>. The host loads the backup with
/// <see cref="IRestorableBackupSource.RestoreAsync"/>, then calls <see cref="ReadInventoryAsync"/> and compares the result
/// with the inventory the source returned in <see cref="SourceResult.Inventory"/> at backup time. Read only; throw
/// <see cref="BackupRestoreException"/> when the target cannot be read.
/// </remarks>
public interface IDrillableBackupSource : IRestorableBackupSource
{
    /// <summary>Reads the inventory (with row counts where the kind has rows) of <paramref name="target"/>.</summary>
    /// <param name="target">The server the drill restored into.</param>
    /// <param name="workDirectory">A private (0700) scratch directory the host removes afterwards, also on failure.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    Task<ContentInventory> ReadInventoryAsync(RestoreTarget target, string workDirectory, CancellationToken cancellationToken);
}
