using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// One physical spec's job on the test server: a directory of its own (store, temp, job.yaml), the plugins, and a
/// database of its own with an <c>orders</c> table of 5000 rows, dropped at the end.
/// </summary>
/// <remarks>Made per test, not shared by a class fixture: each test backs up its own database into its own store.</remarks>
internal sealed class PhysicalTestJob(string directoryPrefix, string databasePrefix) : IAsyncLifetime
{
    /// <summary>The test's directory: the store is <c>store/</c>, the temp directory <c>tmp/</c>.</summary>
    public TempDir Dir { get; } = new(directoryPrefix);

    /// <summary>The test's database; unique, as other tests share the server.</summary>
    public string Database { get; } = $"{databasePrefix}{Guid.NewGuid():N}"[..24];

    /// <summary>A plugins directory with the local storage and the mariadb-backup source.</summary>
    public string PluginsDirectory { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        PluginsDirectory = await PhysicalSpecsSupport.PluginsAsync(Dir.Path);
        await TestServers.ExecuteAsync(TestServers.MariaDbPort, PhysicalSpecsSupport.CreateOrders(Database, 5000));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await TestServers.ExecuteAsync(TestServers.MariaDbPort, $"DROP DATABASE IF EXISTS {Database}");
        Dir.Dispose();
    }

    /// <summary>Writes <c>job.yaml</c>: job <paramref name="name"/>, mariadb-backup into the local store, then <paramref name="rest"/>.</summary>
    public string WriteSpec(string name, string rest = "", string? backupCommand = null)
    {
        var path = Dir.Combine("job.yaml");
        File.WriteAllText(path, $"""
            name: {name}
            source:
              {PhysicalSpecsSupport.Source}{(backupCommand is null ? "" : $"\n    backupCommand: {backupCommand}")}
            storage:
              plugin: local
              settings:
                path: {Dir.Combine("store")}
            tempDirectory: {Dir.Combine("tmp")}

            """ + rest);
        return path;
    }
}
