using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>The plugins a mariadb-ha job with local storage needs, from the published host.</summary>
internal static class MariaDbHaPlugins
{
    /// <summary>Makes a plugins directory in <paramref name="parent"/> holding the <c>mariadb-ha</c> and <c>local</c> plugins only.</summary>
    public static async Task<string> ComposeAsync(string parent) =>
        PublishedHost.ComposePluginsDirectory(
            parent,
            await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"),
            await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa"));
}
