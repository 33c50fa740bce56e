namespace Backup.Host.Stored;

/// <summary>How a restore runs: what it may load into, where it keeps the archive, and which databases it loads.</summary>
/// <param name="Force">Load even into a target that already holds data (the source decides what that means).</param>
/// <param name="Staging">Keep the compressed archive in temp while verifying it and load from that copy; false downloads it twice instead (<c>--no-staging</c>).</param>
/// <param name="Databases">The databases to load from an all-databases dump (<c>--database</c>); empty for everything.</param>
internal sealed record RestoreOptions(bool Force, bool Staging, IReadOnlyList<string> Databases)
{
    /// <summary>The backups the restored one is an increment on, the full one first (<see cref="BackupChain.BasesAsync"/>); empty for a full backup.</summary>
    public IReadOnlyList<StoredBackup> Bases { get; init; } = [];
}
