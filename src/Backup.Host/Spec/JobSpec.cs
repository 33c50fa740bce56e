using Backup.Host.Retention;

namespace Backup.Host.Spec;

/// <summary>One backup job as described by a YAML spec file, after <c>${VAR}</c> substitution and validation.</summary>
/// <param name="Name">The job's name; used in temp directory names, artifact names and logs.</param>
/// <param name="Source">The source plugin and its settings.</param>
/// <param name="Storage">The storage plugin and its settings.</param>
/// <param name="Artifact">Where and under which name the backup is stored.</param>
/// <param name="TempDirectory">Where the run's scratch space is made; null = BACKUP_TEMP_DIR or the system temp dir.</param>
/// <param name="FilePath">The spec file, for messages.</param>
/// <param name="Retention">Which backups to keep after a successful run and on <c>backup prune</c>; null keeps all.</param>
/// <param name="Pipeline">Packing and compression; <see cref="PipelineSpec.Default"/> when the spec has no <c>pipeline</c> section.</param>
/// <param name="Encryption">The age recipients backups are encrypted to, and where verify/restore find the identity; null stores plaintext.</param>
internal sealed record JobSpec(
    string Name,
    PluginSpec Source,
    PluginSpec Storage,
    ArtifactSpec Artifact,
    string? TempDirectory,
    string FilePath,
    RetentionPolicy? Retention = null,
    PipelineSpec? Pipeline = null,
    EncryptionSpec? Encryption = null)
{
    /// <summary>The pipeline settings in force.</summary>
    public PipelineSpec EffectivePipeline => Pipeline ?? PipelineSpec.Default;

    /// <summary>The Pushgateway every command's outcome is pushed to; null pushes nothing.</summary>
    public MetricsSpec? Metrics { get; init; }

    /// <summary>Where <c>pipeline.mode</c> is written (<c>file:line:col</c>), for problems about it found once the plugins are known; null when the spec leaves it out.</summary>
    public string? PipelineModeLocation { get; init; }

    /// <summary>The webhooks told about a command's outcome; null tells nobody.</summary>
    public NotifySpec? Notify { get; init; }

    /// <summary>How often a full backup is made when the others are increments; null makes every backup full.</summary>
    public IncrementalSpec? Incremental { get; init; }
}
