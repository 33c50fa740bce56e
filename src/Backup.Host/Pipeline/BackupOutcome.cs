namespace Backup.Host.Pipeline;

/// <summary>What a successful run stored.</summary>
/// <param name="BackupId">The backup's id.</param>
/// <param name="ArchiveKey">The archive's object key.</param>
/// <param name="Archive">The archive's size and SHA-1.</param>
internal sealed record BackupOutcome(string BackupId, string ArchiveKey, ArchiveInfo Archive);
