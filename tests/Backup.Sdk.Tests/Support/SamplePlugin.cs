using Backup.Testing;

namespace Backup.Sdk.Tests.Support;

/// <summary>
/// Packs the contract into a local feed and builds the sample plugin against it, as a third party would: a copy of
/// <c>samples/</c> beside an <c>artifacts/packages</c> feed, so the sample's own nuget.config finds the feed unchanged.
/// </summary>
internal static class SamplePlugin
{
    /// <summary>The sample's project, relative to <c>samples/</c>.</summary>
    public const string Project = "DirectorySource/Contoso.Backup.DirectorySource.csproj";

    /// <summary>The sample's assembly (and plugin folder) name.</summary>
    public const string AssemblyName = "Contoso.Backup.DirectorySource";

    /// <summary>The sample's test project (the source kit from its package), relative to <c>samples/</c>.</summary>
    public const string TestProject = "DirectorySource.Tests/Contoso.Backup.DirectorySource.Tests.csproj";

    /// <summary>Packs <paramref name="projects"/> (paths under <c>src/</c>) with <paramref name="contractVersion"/> into <c>workspace/artifacts/packages</c>.</summary>
    /// <remarks>Builds into the workspace (<c>--artifacts-path</c>), never into the repository's bin/obj that other test projects build concurrently.</remarks>
    public static async Task<TimeSpan> PackAsync(string workspace, string contractVersion, params string[] projects)
    {
        var feed = FeedOf(workspace);
        var elapsed = TimeSpan.Zero;
        foreach (var project in projects)
        {
            elapsed += await DotNet.RunAsync(RepositoryPaths.Root,
                "pack", Path.Combine("src", project), "-c", "Release", "-o", feed,
                "--artifacts-path", Path.Combine(workspace, "contract-build"),
                $"-p:BackupContractVersion={contractVersion}");
        }

        return elapsed;
    }

    /// <summary>Copies <c>samples/</c> into the workspace, points the sample and its tests at <paramref name="contractVersion"/> and publishes the sample; returns the plugin folder.</summary>
    public static async Task<(string Folder, TimeSpan Elapsed)> PublishAsync(string workspace, string contractVersion)
    {
        var samples = Path.Combine(workspace, "samples");
        CopyDirectory(Path.Combine(RepositoryPaths.Root, "samples"), samples);
        var project = Path.Combine(samples, Project);
        await PointAtAsync(project, "Backup.Abstractions", contractVersion);
        await PointAtAsync(Path.Combine(samples, TestProject), "Backup.PluginTesting", contractVersion);

        var folder = Path.Combine(workspace, "publish", AssemblyName);
        var elapsed = await DotNet.RunAsync(samples,
            "publish", project, "-c", "Release", "-o", folder,
            $"-p:RestorePackagesPath={PackagesOf(workspace)}");
        return (folder, elapsed);
    }

    /// <summary>The package cache of a workspace: packages restore there, so a stale package of the same version in the user's cache is never used.</summary>
    public static string PackagesOf(string workspace) => Path.Combine(workspace, "nuget-packages");

    /// <summary>Sets the version of <paramref name="packageId"/>'s PackageReference in <paramref name="project"/>.</summary>
    /// <remarks>
    /// The samples name the contract version they were written for; pointing them at the version just packed keeps the
    /// tests about the package path, not about which minor a sample happens to name.
    /// </remarks>
    public static async Task PointAtAsync(string project, string packageId, string version)
    {
        var reference = $"Include=\"{packageId}\" Version=\"";
        var text = await File.ReadAllTextAsync(project);
        var at = text.IndexOf(reference, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"{project} has no PackageReference {reference}...\"");
        }

        var versionStart = at + reference.Length;
        var versionEnd = text.IndexOf('"', versionStart);
        await File.WriteAllTextAsync(project, text[..versionStart] + version + text[versionEnd..]);
    }

    /// <summary>The local feed of a workspace (where <c>samples/nuget.config</c> looks: <c>../artifacts/packages</c>).</summary>
    public static string FeedOf(string workspace) => Path.Combine(workspace, "artifacts", "packages");

    /// <summary>Copies a directory tree without its bin/ and obj/.</summary>
    public static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
