using CliWrap;
using CliWrap.Buffered;

namespace Backup.Testing;

/// <summary>
/// The host as users run it: the published <c>backup</c> executable with its plugins in folders beside it.
/// Tests run it as a process, the way a CronJob does, so the host never references the plugins it runs.
/// </summary>
/// <remarks>
/// <c>test.sh</c> publishes once and sets <c>BACKUP_HOST_DIR</c>; when a developer runs <c>dotnet test</c>
/// directly, the first test publishes with <c>build/publish.sh</c> itself.
/// </remarks>
public static class PublishedHost
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _hostDirectory;
    private static string? _fakeSourceDirectory;

    /// <summary>The published host's directory (with <c>plugins/</c> holding every plugin of the repo).</summary>
    public static async Task<string> DirectoryAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_hostDirectory is null)
            {
                var fromEnvironment = Environment.GetEnvironmentVariable("BACKUP_HOST_DIR");
                if (!string.IsNullOrEmpty(fromEnvironment))
                {
                    _hostDirectory = fromEnvironment;
                }
                else
                {
                    var output = RepositoryPaths.Artifacts("test-host");
                    await RunOrThrowAsync(Cli.Wrap("bash").WithArguments(["build/publish.sh", output]).WithWorkingDirectory(RepositoryPaths.Root));
                    _hostDirectory = output;
                }
            }

            return _hostDirectory;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The published <c>fake</c> test source plugin's folder (built once per test run).</summary>
    public static async Task<string> FakeSourcePluginAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_fakeSourceDirectory is null)
            {
                const string name = "Backup.TestPlugins.FakeSource";
                var output = Path.Combine(RepositoryPaths.Artifacts("test-plugins"), name);
                await RunOrThrowAsync(Cli.Wrap("dotnet")
                    .WithArguments(["publish", $"tests/{name}/{name}.csproj", "-c", "Release", "-o", output, "--nologo", "-v", "q"])
                    .WithWorkingDirectory(RepositoryPaths.Root));
                _fakeSourceDirectory = output;
            }

            return _fakeSourceDirectory;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Makes a plugins directory in <paramref name="parent"/> holding links to the given plugin folders only.</summary>
    public static string ComposePluginsDirectory(string parent, params string[] pluginFolders)
    {
        var directory = Directory.CreateDirectory(Path.Combine(parent, "plugins")).FullName;
        foreach (var folder in pluginFolders)
        {
            Directory.CreateSymbolicLink(Path.Combine(directory, Path.GetFileName(folder)), folder);
        }

        return directory;
    }

    /// <summary>The folder of a repo plugin inside the published host, e.g. <c>Backup.Plugins.Local</c>.</summary>
    public static async Task<string> PluginFolderAsync(string assemblyName) =>
        Path.Combine(await DirectoryAsync(), "plugins", assemblyName);

    /// <summary>Runs <c>backup</c> with <paramref name="arguments"/> and returns its exit code and output.</summary>
    public static async Task<BufferedCommandResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default) =>
        await RunFromAsync(await DirectoryAsync(), arguments, environment, cancellationToken);

    /// <summary>Runs the <c>backup</c> executable in <paramref name="hostDirectory"/> (e.g. a container image's layout) with <paramref name="arguments"/>.</summary>
    public static async Task<BufferedCommandResult> RunFromAsync(string hostDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        var executable = Path.Combine(hostDirectory, "backup");
        return await Cli.Wrap(executable)
            .WithArguments(arguments)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
    }

    private static async Task RunOrThrowAsync(Command command)
    {
        var result = await command.WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({result.ExitCode}): {result.StandardOutput} {result.StandardError}");
        }
    }
}
