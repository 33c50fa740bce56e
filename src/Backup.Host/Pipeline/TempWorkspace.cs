namespace Backup.Host.Pipeline;

/// <summary>A private (0700) scratch directory for one run, removed on dispose whatever happened.</summary>
internal sealed class TempWorkspace : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private TempWorkspace(string root)
    {
        Root = root;
    }

    /// <summary>The workspace's directory.</summary>
    public string Root { get; }

    /// <summary>Creates <c>backup-&lt;job&gt;-&lt;random&gt;</c> under <paramref name="parent"/>.</summary>
    public static TempWorkspace Create(string parent, string jobName)
    {
        Directory.CreateDirectory(parent);
        var root = Path.Combine(parent, $"backup-{jobName}-{Guid.NewGuid().ToString("N")[..10]}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
        }
        else
        {
            // The source may put a password option file here: nobody else may read the directory.
            Directory.CreateDirectory(root, OwnerOnly);
        }

        return new TempWorkspace(root);
    }

    /// <summary>Creates (if needed) and returns a sub-directory of the workspace.</summary>
    public string Subdirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
