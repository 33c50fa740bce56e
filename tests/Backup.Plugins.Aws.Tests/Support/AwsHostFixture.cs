using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.Plugins.Aws.Tests.Support;

/// <summary>The published host with a plugins directory holding the <c>fake</c> and <c>mariadb-ha</c> sources and the <c>aws</c> storage.</summary>
public sealed class AwsHostFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new("backup-aws-plugins-");

    /// <summary>The plugins directory to pass with <c>--plugins-dir</c>.</summary>
    public string PluginsDirectory { get; private set; } = "";

    /// <summary>The published <c>backup</c> executable.</summary>
    public string Executable { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var aws = await PublishedHost.PluginFolderAsync("Backup.Plugins.Aws");
        var mariaDb = await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa");
        var fake = await PublishedHost.FakeSourcePluginAsync();
        PluginsDirectory = PublishedHost.ComposePluginsDirectory(_dir.Path, aws, mariaDb, fake);
        Executable = Path.Combine(await PublishedHost.DirectoryAsync(), "backup");
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs <c>backup run --spec</c> with <paramref name="environment"/> (null values unset a variable).</summary>
    public Task<BufferedCommandResult> RunAsync(string spec, IReadOnlyDictionary<string, string?> environment) =>
        PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", PluginsDirectory], environment);
}
