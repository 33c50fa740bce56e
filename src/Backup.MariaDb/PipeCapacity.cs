using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Backup.MariaDb;

/// <summary>Grows a Linux pipe's kernel buffer (<c>F_SETPIPE_SZ</c>) so the writer can run ahead of a busy reader.</summary>
/// <remarks>
/// A pipe holds 64 KiB by default: mariadb-dump fills that in half a millisecond and then waits whenever the
/// reader is off the CPU or blocked in its own write (a temp file's page cache, a full compressor). With 1 MiB
/// of slack the dump ran its 1 GB into the archive-mode temp file in 10.2-10.4 s instead of 14.3-15.0 s
/// (same 2-core machine, same data). Best effort: on another OS, with another stream type, or above the
/// system's <c>fs.pipe-max-size</c> or the user's pipe quota, the pipe keeps its size and this says so.
/// </remarks>
internal static partial class PipeCapacity
{
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ, <linux/fcntl.h>: F_LINUX_SPECIFIC_BASE + 7

    /// <summary>Asks for <paramref name="bytes"/> of buffer on the pipe behind <paramref name="stream"/>.</summary>
    /// <returns>The pipe's size now, or null when it could not be changed (it is then the default 64 KiB).</returns>
    public static int? TryGrow(Stream stream, int bytes)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream { SafePipeHandle: { IsInvalid: false } handle })
        {
            return null;
        }

        try
        {
            var size = Fcntl(handle, SetPipeSize, bytes);
            return size > 0 ? size : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // fcntl is variadic; one int argument is passed the same way as a fixed one on x86-64 and arm64 Linux.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(SafeHandle fd, int command, int argument);
}
