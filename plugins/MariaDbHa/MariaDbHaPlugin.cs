using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The <c>mariadb-ha</c> source: dumps a MariaDB server or a Synced node of a Galera cluster with <c>mariadb-dump</c>, falling over to the next node.</summary>
public sealed class MariaDbHaPlugin : IBackupSourcePlugin
{
    /// <inheritdoc />
    public string Name => "mariadb-ha";

    /// <inheritdoc />
    public IBackupSource CreateSource(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Read everything first so the user sees every problem at once; nothing here touches the network.
        var settings = MariaDbHaSettings.Read(context.Settings);
        context.Settings.ThrowIfInvalid();

        return new MariaDbHaSource(settings, context.LoggerFactory.CreateLogger<MariaDbHaSource>());
    }
}
