namespace Backup.Host.Pipeline;

/// <summary>Recognises a full temp disk and describes it: which directory, what was being written, how much room there is.</summary>
internal static class TempSpace
{
    // .NET on Unix puts the raw errno into IOException.HResult.
    private const int NoSpaceLeftOnDevice = 28;
    private const int DiskQuotaExceeded = 122;

    /// <summary>Whether <paramref name="exception"/> or one of its causes is a write refused because the file system (or the user's quota) is full.</summary>
    public static bool IsFull(Exception? exception) => RefusedWrite(exception) is not null;

    /// <summary>The one-line error for a full <paramref name="directory"/>: what failed, what it needs, and the file system's size and free space.</summary>
    /// <param name="directory">The temp directory that filled up.</param>
    /// <param name="failed">What could not be written, e.g. <c>entry 'x' after 1,024 bytes</c>.</param>
    /// <param name="needed">How much room the command needs there, as far as it is known.</param>
    /// <param name="cause">The refused write.</param>
    public static TempDirectoryException Full(string directory, string failed, string needed, Exception cause) =>
        new($"the temp directory {directory} is full: writing {failed} failed ({(RefusedWrite(cause) ?? cause).Message.ReplaceLineEndings(" ")}); {needed}; {Describe(directory)}", cause);

    /// <summary>The size and free space of the file system holding <paramref name="directory"/>, as far as they can be read.</summary>
    public static string Describe(string directory)
    {
        try
        {
            var drive = new DriveInfo(directory);
            return $"its file system has {drive.TotalSize:N0} bytes, {drive.AvailableFreeSpace:N0} free";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return "the size of its file system cannot be read";
        }
    }

    private static IOException? RefusedWrite(Exception? exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is IOException { HResult: NoSpaceLeftOnDevice or DiskQuotaExceeded } refused)
            {
                return refused;
            }
        }

        return null;
    }
}
