namespace Backup.Abstractions;

/// <summary>What a plugin assembly is, its name and kind, readable by the host without loading it (contract 1.3).</summary>
/// <remarks>
/// Plugin authors never write this attribute: the Backup.Abstractions package's build targets add it when the project
/// sets <c>BackupPluginName</c> and <c>BackupPluginKind</c>, as they add <see cref="BackupContractAttribute"/>. The host
/// reads both from the file's metadata, so it opens only the plugins a job names and <c>backup plugins</c>, scripts and
/// image builds can tell a source from a storage without running any plugin code. The entry type's
/// <see cref="IBackupPlugin.Name"/> and interface must agree with it; the host refuses a plugin where they differ.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class BackupPluginAttribute : Attribute
{
    /// <summary>The kind of a source plugin (<see cref="IBackupSourcePlugin"/>).</summary>
    public const string SourceKind = "source";

    /// <summary>The kind of a storage plugin (<see cref="IBackupStoragePlugin"/>).</summary>
    public const string StorageKind = "storage";

    /// <summary>Records the plugin's name and kind.</summary>
    public BackupPluginAttribute(string name, string kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>The name a job spec selects the plugin by, the same as <see cref="IBackupPlugin.Name"/>.</summary>
    public string Name { get; }

    /// <summary><see cref="SourceKind"/> or <see cref="StorageKind"/>.</summary>
    public string Kind { get; }
}
