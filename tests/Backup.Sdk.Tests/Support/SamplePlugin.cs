using System.Text.RegularExpressions;
using Backup.Testing;

namespace Backup.Sdk.Tests.Support;

/// <summary>
/// Builds the sample plugin against the packed contract, as a third party would: a copy of
/// <c>samples/</c> beside an <c>artifacts/packages</c> feed, so the sample's own nuget.config finds the feed unchanged.
/// </summary>
internal static class SamplePlugin
{
    /// <summary>The sample's project, relative to <c>samples/</c>.</summary>
    public const string Project = "DirectorySource/Contoso.Backup.DirectorySource.csproj";

    /// <summary>The sample's assembly (and plugin folder) name.</summary>
    public const string AssemblyName = "Contoso.Backup.DirectorySource";

    /// <summary>The source sample's test project (the source kit from its package), relative to <c>samples/</c>.</summary>
    public const string TestProject = "DirectorySource.Tests/Contoso.Backup.DirectorySource.Tests.csproj";

    /// <summary>The storage sample's project and assembly name (a storage on SQLite, with a native library).</summary>
    public const string StorageProject = "SqliteStorage/Contoso.Backup.SqliteStorage.csproj";

    /// <summary>The storage sample's conformance tests, relative to <c>samples/</c>.</summary>
    public const string StorageTestProject = "SqliteStorage.Tests/Contoso.Backup.SqliteStorage.Tests.csproj";

    /// <summary>The storage sample's assembly (and plugin folder) name.</summary>
    public const string StorageAssemblyName = "Contoso.Backup.SqliteStorage";

    private static readonly Regex BackupPackageVersion = new("""(Include="Backup\.(?:Abstractions|PluginTesting)" Version=")[^"]*(")""");

    /// <summary>Copies <c>samples/</c> into the workspace, points every sample and its tests at <paramref name="contractVersion"/> and publishes the source sample; returns its plugin folder.</summary>
    /// <remarks>
    /// The samples name the contract version they were written for; pointing them at the version just packed keeps this
    /// test about the package path, not about which minor a sample happens to name. Packages restore into the workspace,
    /// so a stale Backup.Abstractions of the same version in the user's NuGet cache can never be used instead.
    /// </remarks>
    public static async Task<(string Folder, TimeSpan Elapsed)> PublishAsync(string workspace, string contractVersion)
    {
        var samples = SamplesOf(workspace);
        CopyDirectory(Path.Combine(RepositoryPaths.Root, "samples"), samples);
        foreach (var project in Directory.EnumerateFiles(samples, "*.csproj", SearchOption.AllDirectories))
        {
            var text = await File.ReadAllTextAsync(project);
            if (!BackupPackageVersion.IsMatch(text))
            {
                throw new InvalidOperationException($"{project} has no PackageReference Include=\"Backup.Abstractions\" Version=...");
            }

            await File.WriteAllTextAsync(project, BackupPackageVersion.Replace(text, $"${{1}}{contractVersion}${{2}}"));
        }

        return await PublishSampleAsync(workspace, Project, AssemblyName);
    }

    /// <summary>Publishes the copied sample <paramref name="project"/> into <c>workspace/publish/<paramref name="assemblyName"/></c>, framework-dependent for linux-x64 as docs/writing-a-plugin.md says.</summary>
    public static async Task<(string Folder, TimeSpan Elapsed)> PublishSampleAsync(string workspace, string project, string assemblyName)
    {
        var folder = Path.Combine(workspace, "publish", assemblyName);
        var elapsed = await DotNet.RunAsync(SamplesOf(workspace),
            "publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", folder, RestorePackagesPath(workspace));
        return (folder, elapsed);
    }

    /// <summary>The copy of <c>samples/</c> in a workspace.</summary>
    public static string SamplesOf(string workspace) => Path.Combine(workspace, "samples");

    /// <summary>The package cache of a workspace: packages restore there, so a stale package of the same version in the user's cache is never used.</summary>
    private static string PackagesOf(string workspace) => Path.Combine(workspace, "nuget-packages");

    /// <summary>The MSBuild property that restores into the workspace's own package folder.</summary>
    public static string RestorePackagesPath(string workspace) => $"-p:RestorePackagesPath={PackagesOf(workspace)}";

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
