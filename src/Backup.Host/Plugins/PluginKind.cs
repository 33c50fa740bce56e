namespace Backup.Host.Plugins;

/// <summary>What a plugin provides.</summary>
internal enum PluginKind
{
    /// <summary>Produces backup content (<see cref="Backup.Abstractions.IBackupSourcePlugin"/>).</summary>
    Source,

    /// <summary>Stores backup objects (<see cref="Backup.Abstractions.IBackupStoragePlugin"/>).</summary>
    Storage,
}
