namespace Backup.Host.Pipeline;

/// <summary>What a successful run stored.</summary>
/// <param name="BackupId">The backup's id.</param>
/// <param name="ArchiveKey">The archive's object key.</param>
/// <param name="Archive">The archive's size and SHA-1.</param>
/// <param name="SourceBytes">The raw size of the entries the source wrote.</param>
/// <param name="Node">The database node the source read from, when it said.</param>
internal sealed record BackupOutcome(string BackupId, string ArchiveKey, ArchiveInfo Archive, long SourceBytes, string? Node);
