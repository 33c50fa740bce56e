using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Deploy.Tests.Support;

/// <summary>The container images scripts/test-images.sh builds from the Dockerfile (one per source and storage pair), run with podman.</summary>
/// <remarks>
/// <c>test.sh</c> builds them in its own phase and exports where they are; when a developer runs <c>dotnet test</c>
/// directly, the first test that needs them runs the script itself. Where buildah, podman or root are missing the
/// tests skip, naming what is missing (<see cref="SkipReason"/>); CI installs them and requires them.
/// </remarks>
internal static class ContainerImages
{
    private const string Script = "scripts/test-images.sh";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Lazy<string?> WhyNot = new(() =>
    {
        var result = Bash([Script, "check"]).ExecuteBufferedAsync().GetAwaiter().GetResult();
        return result.ExitCode == 0 ? null : $"container images cannot be built here: {result.StandardOutput.Trim()} {result.StandardError.Trim()}".Trim();
    });

    private static IReadOnlyDictionary<string, string>? _environment;

    /// <summary>Why the image tests cannot run on this machine, or null when they can.</summary>
    public static string? SkipReason => WhyNot.Value;

    /// <summary>The image carrying <paramref name="source"/> and <paramref name="storage"/>, e.g. <c>localhost/startree-backup-test:mariadb-ha-aws</c>.</summary>
    public static async Task<string> ImageAsync(string storage, string source = ImageLayouts.DefaultSource) =>
        $"{(await EnvironmentAsync())["BACKUP_TEST_IMAGE_REPOSITORY"]}:{source}-{storage}";

    /// <summary>The runtime base image the Dockerfile's last stage starts from (a local stand-in for the Microsoft image).</summary>
    public static async Task<string> RuntimeBaseAsync() => (await EnvironmentAsync())["BACKUP_TEST_IMAGE_RUNTIME_BASE"];

    /// <summary>Runs <c>podman</c> with <paramref name="arguments"/> and this machine's containers.conf.</summary>
    public static async Task<BufferedCommandResult> PodmanAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        await Cli.Wrap("podman")
            .WithArguments(arguments)
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["CONTAINERS_CONF"] = (await EnvironmentAsync())["CONTAINERS_CONF"] })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);

    /// <summary>Runs <paramref name="container"/> and returns the container's exit code and output.</summary>
    public static async Task<BufferedCommandResult> RunAsync(ContainerRun container, CancellationToken cancellationToken = default) =>
        await PodmanAsync(await container.PodmanArgumentsAsync(), cancellationToken);

    /// <summary>Every regular file of <paramref name="image"/>'s root filesystem, as absolute paths.</summary>
    /// <remarks>
    /// As root, but without capabilities (as every run here): the base's apt "partial" directories (0700, user _apt) stay
    /// unreadable, hence the ignored errors; they are empty.
    /// </remarks>
    public static async Task<List<string>> FilesAsync(string image)
    {
        var result = await PodmanAsync(["run", "--rm", "--network", "none", "--user", "0:0", "--entrypoint", "/bin/sh", image, "-c", "find / -xdev -type f 2>/dev/null; true"]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"listing the files of {image} failed ({result.ExitCode}): {result.StandardError}");
        }

        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _environment ??= await LoadEnvironmentAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> LoadEnvironmentAsync()
    {
        string[] names = ["CONTAINERS_CONF", "BACKUP_TEST_IMAGE_REPOSITORY", "BACKUP_TEST_IMAGE_RUNTIME_BASE"];
        if (names.All(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))))
        {
            return names.ToDictionary(name => name, name => Environment.GetEnvironmentVariable(name)!);
        }

        // "export NAME=value" lines (the values hold no spaces or quotes), where test.sh has them too.
        var file = Path.Combine(RepositoryPaths.Root, "artifacts", "test-images.env");
        File.Delete(file);
        var result = await Bash([Script, "build", file, await PublishedHost.DirectoryAsync()]).ExecuteBufferedAsync();
        if (result.ExitCode != 0 || !File.Exists(file))
        {
            throw new InvalidOperationException($"{Script} build failed ({result.ExitCode}): {result.StandardError}");
        }

        return (await File.ReadAllLinesAsync(file))
            .Select(line => line.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    private static Command Bash(string[] arguments) =>
        Cli.Wrap("bash").WithArguments(arguments).WithWorkingDirectory(RepositoryPaths.Root).WithValidation(CommandResultValidation.None);
}
