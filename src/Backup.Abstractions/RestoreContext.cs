namespace Backup.Abstractions;

/// <summary>One restore, as a source sees it: the verified backup's entries, what its manifest says, and where to load it.</summary>
/// <param name="BackupId">The id of the backup being restored.</param>
/// <param name="Metadata">The facts the source reported when it made the backup (its <see cref="SourceResult.Metadata"/>), e.g. <c>layout</c>.</param>
/// <param name="Entries">The backup's entries, readable by name, in the order they were written.</param>
/// <param name="Target">Overrides of the target from the command line; unset parts come from the source's settings.</param>
/// <param name="Force">Whether the user allowed loading into a target that already holds data.</param>
/// <param name="WorkDirectory">A private (0700) scratch directory the host removes afterwards, also on failure.</param>
public sealed record RestoreContext(
    string BackupId,
    IReadOnlyDictionary<string, string> Metadata,
    IBackupReader Entries,
    RestoreTarget Target,
    bool Force,
    string WorkDirectory)
{
    /// <summary>The databases the user asked for (<c>restore --database</c>), or empty for the whole backup.</summary>
    /// <remarks>
    /// Since contract 1.3. The host does not know what an entry holds: the source loads only these databases (and
    /// refuses, before loading anything, a name the backup does not hold), judges the target by them (only these
    /// databases must be absent, without <see cref="Force"/>) and leaves out entries that are not per-database, such
    /// as users and grants. A source that cannot restore part of a backup refuses a non-empty list.
    /// </remarks>
    public IReadOnlyList<string> Databases { get; init; } = [];

    /// <summary>The backups this one is an increment on, oldest (the full one) first, each verified like this one; empty for a full backup.</summary>
    /// <remarks>Since contract 1.3, for an <see cref="IIncrementalBackupSource"/>: apply them in order, then this backup.</remarks>
    public IReadOnlyList<RestoreContext> Bases { get; init; } = [];
}
