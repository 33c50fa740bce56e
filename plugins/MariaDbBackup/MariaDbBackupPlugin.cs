using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>The <c>mariadb-backup</c> source: a physical backup of a MariaDB server or a Synced Galera node with <c>mariadb-backup --stream=mbstream</c>, restored into a data directory.</summary>
public sealed class MariaDbBackupPlugin : IBackupSourcePlugin
{
    /// <inheritdoc />
    public string Name => "mariadb-backup";

    /// <inheritdoc />
    public IBackupSource CreateSource(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Read everything first so the user sees every problem at once; nothing here touches the network.
        var settings = MariaDbBackupSettings.Read(context.Settings);
        context.Settings.ThrowIfInvalid();

        return new MariaDbBackupSource(settings, context.LoggerFactory.CreateLogger<MariaDbBackupSource>());
    }
}
