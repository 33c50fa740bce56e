namespace Backup.Abstractions;

/// <summary>The entry point of a source plugin: creates the <see cref="IBackupSource"/> a job uses.</summary>
public interface IBackupSourcePlugin : IBackupPlugin
{
    /// <summary>Creates the source from its spec settings; validates them and throws <see cref="BackupSettingsException"/> listing every problem.</summary>
    /// <remarks>Must not touch the network or the database: <c>backup validate</c> calls it too.</remarks>
    IBackupSource CreateSource(PluginContext context);
}
