namespace Backup.Host.Spec;

/// <summary>The <c>artifact</c> section: the object key prefix and the name template of each backup.</summary>
/// <param name="Prefix">The key prefix ("directory") in the storage, e.g. <c>mariadb-ha-backup</c>; may be empty.</param>
/// <param name="NameTemplate">The backup's name without extension; <c>{job}</c>, <c>{timestamp}</c> and <c>{unique}</c> are replaced.</param>
internal sealed record ArtifactSpec(string Prefix, string NameTemplate)
{
    /// <summary>The default template: sortable by time, and unique per run, so two runs never share an id even in the same second.</summary>
    /// <remarks>Backups named by the earlier default, <c>{job}-{timestamp}</c>, still belong to the job (see <c>ArtifactNamePattern</c>).</remarks>
    public const string DefaultNameTemplate = "{job}-{timestamp}-{unique}";
}
