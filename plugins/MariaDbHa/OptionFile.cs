using System.Text;

namespace Backup.Plugins.MariaDbHa;

/// <summary>A private MariaDB option file carrying the password, so it never appears in argv or the environment.</summary>
/// <remarks>
/// mariadb-dump silently ignores a world-writable option file, and <c>#</c> starts a comment in an unquoted
/// value, hence the 0600 mode from creation and the quoted, escaped value.
/// </remarks>
internal sealed class OptionFile : IDisposable
{
    private OptionFile(string path) => Path = path;

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The argument that must come first on mariadb-dump's command line.</summary>
    public string Argument => $"--defaults-extra-file={Path}";

    /// <summary>Creates the file (mode 0600 before any byte is written) in <paramref name="directory"/>.</summary>
    public static OptionFile Create(string directory, string password)
    {
        var path = System.IO.Path.Combine(directory, $"mariadb-ha-{Guid.NewGuid():N}.cnf");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new OptionFile(path);
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.UTF8.GetBytes($"[client]\npassword=\"{Escape(password)}\"\n"));
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }

    /// <summary>Escapes a value for a double-quoted option-file string.</summary>
    internal static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal);

    /// <summary>Deletes the file; the host removes the work directory too, but the password should not outlive the dump.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // The work directory is removed by the host anyway.
        }
    }
}
