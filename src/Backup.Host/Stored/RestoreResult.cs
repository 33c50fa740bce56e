namespace Backup.Host.Stored;

/// <summary>What a restore did.</summary>
/// <param name="Verified">The backup, as verified before anything was loaded.</param>
/// <param name="TempBytes">The bytes in the restore's temp directory when loading began, its peak: the staged archive (0 with --no-staging) and nothing else.</param>
internal sealed record RestoreResult(VerifiedBackup Verified, long TempBytes);
