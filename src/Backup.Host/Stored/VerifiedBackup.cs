using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>A backup whose archive matched its <c>.sha1</c> and whose every entry matched the manifest inside it.</summary>
/// <param name="Backup">The backup.</param>
/// <param name="Manifest">The manifest read from inside the archive.</param>
/// <param name="Archive">The archive's size and SHA-1 as downloaded.</param>
internal sealed record VerifiedBackup(StoredBackup Backup, BackupManifest Manifest, ArchiveInfo Archive);
