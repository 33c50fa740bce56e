using System.Text.Json;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Deploy.Tests.Support;

/// <summary>The folders the container images carry, one per (source, storage) pair, as build/publish-image-layout.sh makes them.</summary>
/// <remarks>
/// <c>test.sh</c> publishes the pairs the image tests need (<c>scripts/test-images.sh pairs</c>) and sets
/// <c>BACKUP_IMAGE_LAYOUTS_DIR</c>; when a developer runs <c>dotnet test</c> directly, the first test that needs a layout
/// makes it with the script from the published host (<see cref="PublishedHost"/>).
/// </remarks>
internal static class ImageLayouts
{
    /// <summary>The source every storage's image carries (the image's default SOURCE).</summary>
    public const string DefaultSource = "mariadb-ha";

    /// <summary>The storage the images of the other sources carry.</summary>
    public const string ProofStorage = "local";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<(string, string), string> Published = [];
    private static readonly IReadOnlyList<(string Source, string Storage)> Pairs = ListPairs();

    /// <summary>The storages with an image (each with <see cref="DefaultSource"/>), from the plugins the published host lists.</summary>
    public static IReadOnlyList<string> Storages { get; } = Pairs.Where(p => p.Source == DefaultSource).Select(p => p.Storage).ToList();

    /// <summary>The sources other than <see cref="DefaultSource"/>, each with an image on <see cref="ProofStorage"/>.</summary>
    public static IReadOnlyList<string> OtherSources { get; } = Pairs.Where(p => p.Source != DefaultSource).Select(p => p.Source).ToList();

    /// <summary>The image layout of <paramref name="source"/> with <paramref name="storage"/>: host at the root, the two plugins under <c>plugins/</c>.</summary>
    public static async Task<string> DirectoryAsync(string storage, string source = DefaultSource)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Published.TryGetValue((source, storage), out var directory))
            {
                var fromEnvironment = Environment.GetEnvironmentVariable("BACKUP_IMAGE_LAYOUTS_DIR");
                if (!string.IsNullOrEmpty(fromEnvironment))
                {
                    directory = Path.Combine(fromEnvironment, $"{source}-{storage}");
                }
                else
                {
                    directory = Path.Combine(RepositoryPaths.Artifacts("test-image"), $"{source}-{storage}");
                    var result = await ScriptAsync("--from", await PublishedHost.DirectoryAsync(), source, storage, directory);
                    if (result.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"publish-image-layout.sh {source} {storage} failed: {result.StandardError}");
                    }
                }

                Published[(source, storage)] = directory;
            }

            return directory;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The plugins of a layout as its own host lists them (<c>backup plugins --output json</c>, from their stamped metadata): name, kind and folder.</summary>
    public static async Task<IReadOnlyList<(string Name, string Kind, string Folder)>> PluginsAsync(string storage, string source = DefaultSource)
    {
        var layout = await DirectoryAsync(storage, source);
        var result = await PublishedHost.RunFromAsync(layout, ["plugins", "--output", "json"], new Dictionary<string, string?> { ["BACKUP_PLUGINS_DIR"] = null, ["BACKUP_LOG_FORMAT"] = null });
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

    // Theory data is read before any test runs: the published host's plugin listing names the pairs.
    private static List<(string, string)> ListPairs()
    {
        var result = Cli.Wrap("bash")
            .WithArguments(["scripts/test-images.sh", "pairs", PublishedHost.DirectoryAsync().GetAwaiter().GetResult()])
            .WithWorkingDirectory(RepositoryPaths.Root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync().GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/test-images.sh pairs failed: {result.StandardError}");
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')).Select(pair => (pair[0], pair[1])).ToList();
    }
}
