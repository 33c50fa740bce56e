namespace Backup.Host.Spec;

/// <summary>The <c>artifact</c> section: the object key prefix and the name template of each backup.</summary>
/// <param name="Prefix">The key prefix ("directory") in the storage, e.g. <c>mariadb-ha-backup</c>; may be empty.</param>
/// <param name="NameTemplate">The backup's name without extension; <c>{job}</c> and <c>{timestamp}</c> are replaced.</param>
internal sealed record ArtifactSpec(string Prefix, string NameTemplate)
{
    /// <summary>The default template: one object per run, sortable by time, so daily runs never overwrite each other.</summary>
    public const string DefaultNameTemplate = "{job}-{timestamp}";
}
