namespace Backup.Host.Plugins;

/// <summary>What a plugin assembly's metadata says about it before it is loaded; each part is null when the assembly was not stamped with it.</summary>
/// <param name="ContractVersion">The contract version it was built against (<c>BackupContract</c>).</param>
/// <param name="InformationalVersion">Its informational version, without the <c>+commit</c> part.</param>
/// <param name="Name">Its plugin name (<c>BackupPlugin</c>).</param>
/// <param name="Kind">Its plugin kind as stamped (<c>source</c> or <c>storage</c>, <c>BackupPlugin</c>).</param>
internal sealed record PluginStamp(string? ContractVersion, string? InformationalVersion, string? Name, string? Kind)
{
    /// <summary>The stamped kind, or null when unstamped or not one the host knows.</summary>
    public PluginKind? ParsedKind => Kind switch
    {
        Backup.Abstractions.BackupPluginAttribute.SourceKind => PluginKind.Source,
        Backup.Abstractions.BackupPluginAttribute.StorageKind => PluginKind.Storage,
        _ => null,
    };
}
