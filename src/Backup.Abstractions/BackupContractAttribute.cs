namespace Backup.Abstractions;

/// <summary>The version of the Backup.Abstractions contract a plugin assembly was compiled against.</summary>
/// <remarks>
/// Plugin authors never write this attribute: the Backup.Abstractions package's build targets add it to every
/// assembly that references the package. The host reads it before loading a plugin and refuses one whose major
/// version differs from its own, or whose minor version is higher (a 1.2 plugin may use members a 1.1 host lacks).
/// The assembly version of Backup.Abstractions stays at <c>major.0.0.0</c>, so this attribute is the only place
/// the minor version is visible.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class BackupContractAttribute : Attribute
{
    /// <summary>Records the contract version, <c>major.minor.patch</c>.</summary>
    public BackupContractAttribute(string version)
    {
        Version = version;
    }

    /// <summary>The contract version, <c>major.minor.patch</c>, e.g. <c>1.2.0</c>.</summary>
    public string Version { get; }
}
