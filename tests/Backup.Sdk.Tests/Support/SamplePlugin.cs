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

    private const string PackageReference = "Include=\"Backup.Abstractions\" Version=\"";

    /// <summary>Copies <c>samples/</c> into the workspace, points the sample at <paramref name="contractVersion"/> and publishes it; returns the plugin folder.</summary>
    /// <remarks>
    /// The sample names the contract version it was written for; pointing it at the version just packed keeps this test
    /// about the package path, not about which minor the sample happens to name. Packages restore into the workspace,
    /// so a stale Backup.Abstractions of the same version in the user's NuGet cache can never be used instead.
    /// </remarks>
    public static async Task<(string Folder, TimeSpan Elapsed)> PublishAsync(string workspace, string contractVersion)
    {
        var samples = Path.Combine(workspace, "samples");
        CopyDirectory(Path.Combine(RepositoryPaths.Root, "samples"), samples);
        var project = Path.Combine(samples, Project);
        var text = await File.ReadAllTextAsync(project);
        var at = text.IndexOf(PackageReference, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"{project} has no PackageReference {PackageReference}...\"");
        }

        var versionStart = at + PackageReference.Length;
        var versionEnd = text.IndexOf('"', versionStart);
        await File.WriteAllTextAsync(project, text[..versionStart] + contractVersion + text[versionEnd..]);

        var folder = Path.Combine(workspace, "publish", AssemblyName);
        var elapsed = await DotNet.RunAsync(samples,
            "publish", project, "-c", "Release", "-o", folder,
            $"-p:RestorePackagesPath={Path.Combine(workspace, "nuget-packages")}");
        return (folder, elapsed);
    }

    /// <summary>The local feed of a workspace (where <c>samples/nuget.config</c> looks: <c>../artifacts/packages</c>).</summary>
    public static string FeedOf(string workspace) => Path.Combine(workspace, "artifacts", "packages");

    private static void CopyDirectory(string from, string to)
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
