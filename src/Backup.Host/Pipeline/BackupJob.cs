using Backup.Abstractions;
using Backup.Host.Spec;

namespace Backup.Host.Pipeline;

/// <summary>A validated job ready to run: the spec and the plugin instances it selected.</summary>
/// <param name="Spec">The job spec.</param>
/// <param name="Source">The created source.</param>
/// <param name="Storage">The created storage.</param>
internal sealed record BackupJob(JobSpec Spec, IBackupSource Source, IBackupStorage Storage)
{
    /// <summary>The extension a streaming backup's object is named with when the source declares none: every streaming backup before contract 1.3 was a <c>.sql.*</c>.</summary>
    public const string DefaultStreamExtension = "sql";

    /// <summary>The entries the source declared it writes (<see cref="IShapedBackupSource"/>), or null when it declared none.</summary>
    public BackupEntryShape? EntryShape { get; init; }

    /// <summary>The extension of this job's streaming objects: <c>&lt;id&gt;.&lt;ext&gt;.gz</c> or <c>.zst</c>.</summary>
    public string StreamExtension => EntryShape?.Extension ?? DefaultStreamExtension;
}
