using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The <c>mariadb-ha</c> source: dumps every database of a MariaDB (Galera) server with <c>mariadb-dump</c>.</summary>
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
