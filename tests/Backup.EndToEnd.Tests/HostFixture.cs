using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>The published host plus a plugins directory holding the <c>fake</c> source and the <c>local</c> storage.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new("backup-e2e-plugins-");

    /// <summary>A plugins directory with fake + local.</summary>
    public string PluginsDirectory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var local = await PublishedHost.PluginFolderAsync("Backup.Plugins.Local");
        var fake = await PublishedHost.FakeSourcePluginAsync();
        PluginsDirectory = PublishedHost.ComposePluginsDirectory(_dir.Path, local, fake);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
