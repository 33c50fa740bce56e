using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>A private (0700) scratch directory for one run, locked while the run lives and removed on dispose whatever happened.</summary>
/// <remarks>
/// A SIGKILLed run (OOM kill, node loss) cannot clean up, so every run holds an exclusive lock on <c>.lock</c> inside
/// its directory (FileShare.None is an flock on Unix; the kernel drops it when the process dies, however it dies).
/// <see cref="RemoveDead"/> removes the job's directories whose lock nobody holds: those of dead runs, never a live one's.
/// </remarks>
internal sealed class TempWorkspace : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const string LockFileName = ".lock";
    private const int RandomLength = 10;

    // EWOULDBLOCK: another process holds the lock.
    private const int LockHeld = 11;

    // A run takes its lock microseconds after creating its directory; one without a lock this old is debris
    // (made by a version without locks, or killed between the two steps), not a run that is starting.
    private static readonly TimeSpan UnlockedGrace = TimeSpan.FromMinutes(1);

    private readonly FileStream _lock;

    private TempWorkspace(string root, FileStream lockFile)
    {
        Root = root;
        _lock = lockFile;
    }

    /// <summary>The workspace's directory.</summary>
    public string Root { get; }

    /// <summary>Where a command's workspace goes: the spec's <c>tempDirectory</c>, else BACKUP_TEMP_DIR, else the system temp dir.</summary>
    public static string ParentFor(JobSpec spec) =>
        spec.TempDirectory
        ?? (Environment.GetEnvironmentVariable("BACKUP_TEMP_DIR") is { Length: > 0 } fromEnv ? fromEnv : Path.GetTempPath());

    /// <summary>Removes the job's dead runs' directories in <paramref name="parent"/>, then creates and locks <c>backup-&lt;job&gt;-&lt;random&gt;</c> there.</summary>
    /// <exception cref="TempDirectoryException"><paramref name="parent"/> cannot be created or written.</exception>
    public static TempWorkspace Create(string parent, string jobName, ILogger logger)
    {
        RemoveDead(parent, jobName, logger);
        try
        {
            Directory.CreateDirectory(parent);

            // A clean-up by a concurrent run can win the race for a directory made a moment ago; then take another name.
            for (var attempt = 1; ; attempt++)
            {
                var root = Path.Combine(parent, $"backup-{jobName}-{Guid.NewGuid().ToString("N")[..RandomLength]}");
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(root);
                }
                else
                {
                    // The source may put a password option file here: nobody else may read the directory.
                    Directory.CreateDirectory(root, OwnerOnly);
                }

                var held = TryLock(Path.Combine(root, LockFileName), FileMode.CreateNew);
                if (held is not null && File.Exists(held.Name))
                {
                    return new TempWorkspace(root, held);
                }

                held?.Dispose();

                if (attempt == 3)
                {
                    throw new IOException($"could not lock a directory of its own under {parent} in 3 attempts");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw TempSpace.IsFull(ex)
                ? TempSpace.Full(parent, "a run's directory", "the run needs room for its scratch files", ex)
                : new TempDirectoryException($"cannot create a temp directory under {parent}: {ex.Message.ReplaceLineEndings(" ")} (set tempDirectory or BACKUP_TEMP_DIR to a writable directory)", ex);
        }
    }

    /// <summary>Removes the directories of <paramref name="jobName"/>'s dead runs in <paramref name="parent"/> (partial dumps, scratch files), logging each with its size.</summary>
    /// <remarks>Best effort: a directory that cannot be checked or removed is logged and left; it never fails the command.</remarks>
    public static void RemoveDead(string parent, string jobName, ILogger logger)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        var prefix = $"backup-{jobName}-";
        string[] candidates;
        try
        {
            candidates = Directory.GetDirectories(parent, prefix + "*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not look for dead runs' temp directories in {Parent}: {Reason}", parent, ex.Message);
            return;
        }

        foreach (var directory in candidates)
        {
            var random = Path.GetFileName(directory)[prefix.Length..];
            if (random.Length == RandomLength && random.All(char.IsAsciiHexDigitLower))
            {
                RemoveIfDead(directory, logger);
            }
        }
    }

    /// <summary>Creates (if needed) and returns a sub-directory of the workspace.</summary>
    public string Subdirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <inheritdoc />
    public void Dispose()
    {
        // Removed while still locked, so no clean-up by another run can race with this one.
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static void RemoveIfDead(string directory, ILogger logger)
    {
        try
        {
            var lockPath = Path.Combine(directory, LockFileName);
            if (!File.Exists(lockPath))
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(directory) > UnlockedGrace)
                {
                    Remove(directory, "an unlocked run", logger);
                }

                return;
            }

            using var held = TryLock(lockPath, FileMode.Open);
            if (held is not null)
            {
                // Removed while we hold the dead run's lock: a run starting now cannot take this directory meanwhile.
                Remove(directory, "a dead run", logger);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove the temp directory {Directory} of a dead run: {Reason}", directory, ex.Message);
        }
    }

    private static void Remove(string directory, string whose, ILogger logger)
    {
        var bytes = new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Directory.Delete(directory, recursive: true);
        logger.LogInformation("Removed the temp directory {Directory} of {Whose} ({Bytes:N0} bytes)", directory, whose, bytes);
    }

    /// <summary>The lock file opened with an exclusive lock, or null when another (live) process holds it.</summary>
    private static FileStream? TryLock(string path, FileMode mode)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.HResult == LockHeld)
        {
            return null;
        }
    }
}
