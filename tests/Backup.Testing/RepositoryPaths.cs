namespace Backup.Testing;

/// <summary>Locates the repository and the artifacts the test run uses.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root (the directory holding Framework.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A directory under <c>artifacts/</c>, created if missing.</summary>
    public static string Artifacts(string name) => Directory.CreateDirectory(Path.Combine(Root, "artifacts", name)).FullName;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Framework.sln not found above {AppContext.BaseDirectory}");
    }
}
