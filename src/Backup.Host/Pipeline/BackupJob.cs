using Backup.Abstractions;
using Backup.Host.Spec;

namespace Backup.Host.Pipeline;

/// <summary>A validated job ready to run: the spec and the plugin instances it selected.</summary>
/// <param name="Spec">The job spec.</param>
/// <param name="Source">The created source.</param>
/// <param name="Storage">The created storage.</param>
internal sealed record BackupJob(JobSpec Spec, IBackupSource Source, IBackupStorage Storage);
