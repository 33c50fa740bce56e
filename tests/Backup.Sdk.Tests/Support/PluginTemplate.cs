namespace Backup.Sdk.Tests.Support;

/// <summary>
/// A solution made by <c>dotnet new</c> from the packed template package, outside the repository, as a plugin author
/// makes it: a folder whose nuget.config maps <c>Backup.*</c> to the packed feed and everything else to the usual source.
/// </summary>
internal sealed class PluginTemplate
{
    private readonly string _packages;

    private PluginTemplate(string directory, string name, string packages)
    {
        Directory = directory;
        Name = name;
        _packages = packages;
    }

    /// <summary>The generated solution's folder.</summary>
    public string Directory { get; }

    /// <summary>The name given to <c>dotnet new -n</c>: the plugin's project and assembly name.</summary>
    public string Name { get; }

    /// <summary>Installs the template package from <paramref name="feed"/> into a private template store and runs <c>dotnet new <paramref name="shortName"/></c> in <paramref name="parent"/>.</summary>
    /// <param name="packages">The NuGet package folder to restore into, so a stale package of the same version in the user's cache is never used.</param>
    public static async Task<PluginTemplate> CreateAsync(string parent, string feed, string packages, string shortName, string name, string pluginName)
    {
        await File.WriteAllTextAsync(Path.Combine(parent, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="backup-local" value="{feed}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="backup-local"><package pattern="Backup.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        var hive = Path.Combine(parent, "template-hive");
        var package = System.IO.Directory.GetFiles(feed, $"Backup.Templates.{SdkFixture.HostContractVersion}.nupkg").Single();
        await DotNet.NewAsync(parent, hive, "install", package);
        await DotNet.NewAsync(parent, hive, shortName, "-n", name, "--pluginName", pluginName);
        return new PluginTemplate(Path.Combine(parent, name), name, packages);
    }

    /// <summary>Runs <c>dotnet test</c> on the generated solution; returns the counts of its TRX report.</summary>
    public Task<(int Total, int Passed, int Failed)> TestAsync() =>
        DotNet.TestAsync(Directory, $"{Name}.slnx", $"-p:RestorePackagesPath={_packages}");

    /// <summary>Publishes the plugin project into <c><paramref name="parent"/>/&lt;Name&gt;</c>, the plugin folder the host loads, as the generated README says.</summary>
    public async Task<string> PublishAsync(string parent)
    {
        var folder = Path.Combine(parent, Name);
        await DotNet.RunAsync(Directory, "publish", Path.Combine("src", Name), "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", folder, $"-p:RestorePackagesPath={_packages}");
        return folder;
    }
}
