namespace Backup.Testing;

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates a new empty directory under the system temp dir.</summary>
    public TempDir(string prefix = "backup-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
