using System.Text.Json;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Deploy.Tests.Support;

/// <summary>The folders the container images carry, as build/publish-image-layout.sh makes them.</summary>
/// <remarks>
/// <c>test.sh</c> publishes one per storage and sets <c>BACKUP_IMAGE_LAYOUTS_DIR</c>; when a developer runs
/// <c>dotnet test</c> directly, the first test that needs a layout makes it with the script from the published host
/// (<see cref="PublishedHost"/>), as test.sh and the Dockerfile do.
/// </remarks>
internal static class ImageLayouts
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string> Published = [];

    /// <summary>The storages the script can publish in this checkout (every plugin stamped as a storage), from its --list.</summary>
    public static IReadOnlyList<string> Storages { get; } = ListStorages();

    /// <summary>The image layout of <paramref name="storage"/>: host at the root, plugins under <c>plugins/</c>.</summary>
    public static async Task<string> DirectoryAsync(string storage)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Published.TryGetValue(storage, out var directory))
            {
                var fromEnvironment = Environment.GetEnvironmentVariable("BACKUP_IMAGE_LAYOUTS_DIR");
                if (!string.IsNullOrEmpty(fromEnvironment))
                {
                    directory = Path.Combine(fromEnvironment, storage);
                }
                else
                {
                    directory = Path.Combine(RepositoryPaths.Artifacts("test-image"), storage);
                    var result = await ScriptAsync("--from", await PublishedHost.DirectoryAsync(), storage, directory);
                    if (result.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"publish-image-layout.sh {storage} failed: {result.StandardError}");
                    }
                }

                Published[storage] = directory;
            }

            return directory;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The plugins of <paramref name="storage"/>'s layout as its own host lists them (<c>backup plugins --output json</c>): name, kind and folder.</summary>
    public static async Task<IReadOnlyList<(string Name, string Kind, string Folder)>> PluginsAsync(string storage)
    {
        var layout = await DirectoryAsync(storage);
        var result = await PublishedHost.RunFromAsync(layout, ["plugins", "--output", "json"], new Dictionary<string, string?> { ["BACKUP_PLUGINS_DIR"] = null });
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"backup plugins in {layout} failed ({result.ExitCode}): {result.StandardOutput} {result.StandardError}");
        }

        return JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("plugins").EnumerateArray()
            .Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("kind").GetString()!, Path.GetFileName(Path.GetDirectoryName(p.GetProperty("path").GetString()!)!)))
            .ToList();
    }

    /// <summary>Runs build/publish-image-layout.sh with <paramref name="arguments"/>.</summary>
    public static async Task<BufferedCommandResult> ScriptAsync(params string[] arguments) =>
        await Cli.Wrap("bash")
            .WithArguments(["build/publish-image-layout.sh", .. arguments])
            .WithWorkingDirectory(RepositoryPaths.Root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

    private static List<string> ListStorages()
    {
        var result = ScriptAsync("--from", PublishedHost.DirectoryAsync().GetAwaiter().GetResult(), "--list").GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"publish-image-layout.sh --list failed: {result.StandardError}");
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}
