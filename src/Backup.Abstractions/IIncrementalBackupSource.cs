namespace Backup.Abstractions;

/// <summary>A source that can write a backup as an increment on the previous one and restore a chain of them: needed by the spec's <c>incremental</c> section.</summary>
/// <remarks>
/// Added in contract 1.3. When the spec asks for increments and a full backup is not due, the host sets
/// <see cref="BackupContext.Previous"/>; the source then either builds on it and returns its id as
/// <see cref="SourceResult.BasedOn"/>, or writes a full backup (returns no base) when it cannot, e.g. because the
/// previous backup was taken from another server. A restore of an increment gets every backup it builds on, verified,
/// in <see cref="RestoreContext.Bases"/>; retention never removes a backup a kept one builds on.
/// </remarks>
public interface IIncrementalBackupSource : IRestorableBackupSource
{
}
