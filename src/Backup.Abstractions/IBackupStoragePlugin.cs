namespace Backup.Abstractions;

/// <summary>The entry point of a storage plugin: creates the <see cref="IBackupStorage"/> a job uses.</summary>
public interface IBackupStoragePlugin : IBackupPlugin
{
    /// <summary>Creates the storage from its spec settings; validates them and throws <see cref="BackupSettingsException"/> listing every problem.</summary>
    /// <remarks>Must not touch the network: <c>backup validate</c> calls it too.</remarks>
    IBackupStorage CreateStorage(PluginContext context);
}
