using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>What the physical (<c>mariadb-backup</c>) specs share: their plugins, the job's source section, and the table they back up.</summary>
internal static class PhysicalSpecsSupport
{
    /// <summary>A plugins directory under <paramref name="parent"/> with the local storage and the mariadb-backup source.</summary>
    public static async Task<string> PluginsAsync(string parent) =>
        PublishedHost.ComposePluginsDirectory(
            parent,
            await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"),
            await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbBackup"));

    /// <summary>The body of a job spec's <c>source:</c> section: mariadb-backup against the test server as root.</summary>
    public static string Source => TestServers.MariaDbHaSource.Replace("plugin: mariadb-ha", "plugin: mariadb-backup", StringComparison.Ordinal);

    /// <summary>Creates <paramref name="database"/> with an InnoDB table <c>orders</c> of <paramref name="rows"/> rows.</summary>
    public static string[] CreateOrders(string database, int rows) =>
    [
        $"CREATE DATABASE {database}",
        $"CREATE TABLE {database}.orders (id INT PRIMARY KEY, note VARCHAR(100)) ENGINE=InnoDB",
        $"INSERT INTO {database}.orders SELECT seq, CONCAT('order ', seq) FROM {database}.seq_1_to_{rows}",
    ];
}
