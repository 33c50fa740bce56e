using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Backup.MariaDb;

/// <summary>A MariaDB option file carrying the password, so it never appears in argv or the environment.</summary>
/// <remarks>
/// On Linux the options live only in memory: an anonymous memfd (<c>memfd_create</c>, close-on-exec) that the
/// client opens as <c>/proc/&lt;our pid&gt;/fd/&lt;n&gt;</c> (same uid), so no file with the password ever exists on
/// disk, and a SIGKILLed run leaves none behind (the kernel frees the memfd with the process). Elsewhere (the
/// image is Linux; this is for running the tool on a developer's Mac) it is a 0600 file in the run's private temp
/// directory, deleted after use. mariadb-dump and mariadb silently ignore a world-writable option file, and a
/// fresh memfd is 0777: hence the 0600 mode before the first byte. <c>#</c> starts a comment in an unquoted
/// value: hence the quoted, escaped value.
/// </remarks>
internal sealed partial class OptionFile : IDisposable
{
    private const uint MemfdCloseOnExec = 1; // MFD_CLOEXEC, <linux/memfd.h>
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SafeFileHandle? _memory;
    private readonly string? _path;

    private OptionFile(SafeFileHandle memory)
    {
        _memory = memory;
        Path = $"/proc/{Environment.ProcessId}/fd/{memory.DangerousGetHandle()}";
    }

    private OptionFile(string path)
    {
        _path = path;
        Path = path;
    }

    /// <summary>Where the client opens the options: <c>/proc/&lt;pid&gt;/fd/&lt;n&gt;</c> on Linux, else a file's full path.</summary>
    public string Path { get; }

    /// <summary>The argument that must come first on the client's command line.</summary>
    public string Argument => $"--defaults-extra-file={Path}";

    /// <summary>Creates the option file: in memory on Linux, else a 0600 file in <paramref name="fallbackDirectory"/>.</summary>
    /// <exception cref="IOException">Linux refused to create the memfd (the password is then never written to disk instead).</exception>
    public static OptionFile Create(string fallbackDirectory, string password)
    {
        var text = Encoding.UTF8.GetBytes($"[client]\npassword=\"{Escape(password)}\"\n");
        try
        {
            return OperatingSystem.IsLinux() ? CreateInMemory(text) : CreateOnDisk(fallbackDirectory, text);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
        }
    }

    /// <summary>Escapes a value for a double-quoted option-file string.</summary>
    internal static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal);

    /// <summary>Frees the memfd, or deletes the file; the password should not outlive the clients that need it.</summary>
    public void Dispose()
    {
        if (_memory is not null)
        {
            _memory.Dispose();
            return;
        }

        try
        {
            File.Delete(_path!);
        }
        catch (IOException)
        {
            // The work directory is removed by the host anyway.
        }
    }

    [SupportedOSPlatform("linux")]
    private static OptionFile CreateInMemory(byte[] text)
    {
        var fd = MemfdCreate("mariadb-ha-options", MemfdCloseOnExec);
        if (fd < 0)
        {
            // No silent fall-back to a file on Linux: that is exactly what must not happen.
            throw new IOException($"cannot create the in-memory option file (memfd_create): {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }

        var file = new OptionFile(new SafeFileHandle(fd, ownsHandle: true));
        try
        {
            File.SetUnixFileMode(file._memory!, OwnerOnly);
            RandomAccess.Write(file._memory!, text, fileOffset: 0);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }

    private static OptionFile CreateOnDisk(string directory, byte[] text)
    {
        var path = System.IO.Path.Combine(directory, $"mariadb-ha-{Guid.NewGuid():N}.cnf");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var file = new OptionFile(path);
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(text);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);
}
