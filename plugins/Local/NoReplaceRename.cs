using System.Runtime.InteropServices;

namespace Backup.Plugins.Local;

/// <summary>Moves a finished temporary file to its final name only if that name is free, atomically.</summary>
/// <remarks>
/// <c>File.Move(overwrite: false)</c> checks for the target and then renames, so two writers can both pass the check and
/// the later rename silently replaces the earlier file. <c>link()</c> fails with EEXIST instead, in one step, on every
/// file system with hard links (ext4, xfs, btrfs, tmpfs, NFS); <c>renameat2(RENAME_NOREPLACE)</c> covers local file
/// systems without them. Only where neither works (e.g. some FUSE and SMB mounts) is the check-then-rename left.
/// </remarks>
internal static partial class NoReplaceRename
{
    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint RenameNoReplace = 1; // RENAME_NOREPLACE, <linux/fs.h>
    private const int FileExists = 17; // EEXIST
    private const int NotPermitted = 1; // EPERM: the file system has no hard links (Linux link(2))
    private const int NotSupported = 95; // EOPNOTSUPP
    private const int InvalidArgument = 22; // EINVAL: renameat2 flags not supported by the file system
    private const int NoSystemCall = 38; // ENOSYS

    /// <summary>Moves <paramref name="source"/> to <paramref name="target"/>; false, with the source left in place, when the target exists.</summary>
    /// <exception cref="IOException">The move failed for another reason.</exception>
    public static bool TryMove(string source, string target)
    {
        if (!OperatingSystem.IsLinux())
        {
            return TryCheckThenMove(source, target);
        }

        if (Link(source, target) == 0)
        {
            File.Delete(source);
            return true;
        }

        var linkError = Marshal.GetLastPInvokeError();
        if (linkError == FileExists)
        {
            return false;
        }

        if (linkError is not (NotPermitted or NotSupported))
        {
            throw Failure("link", linkError, source, target);
        }

        if (Rename(AtCurrentDirectory, source, AtCurrentDirectory, target, RenameNoReplace) == 0)
        {
            return true;
        }

        var renameError = Marshal.GetLastPInvokeError();
        return renameError switch
        {
            FileExists => false,
            InvalidArgument or NoSystemCall or NotSupported => TryCheckThenMove(source, target),
            _ => throw Failure("rename", renameError, source, target),
        };
    }

    private static bool TryCheckThenMove(string source, string target)
    {
        if (File.Exists(target))
        {
            return false;
        }

        File.Move(source, target, overwrite: false);
        return true;
    }

    private static IOException Failure(string call, int errno, string source, string target) =>
        new($"{call} {source} -> {target}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(int sourceDirectory, string source, int targetDirectory, string target, uint flags);
}
