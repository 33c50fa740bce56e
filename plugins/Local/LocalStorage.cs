using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.Local;

/// <summary>Stores objects as files under a root directory; keys map to relative paths.</summary>
/// <remarks>
/// Each upload goes to a hidden temporary file in the target directory, is flushed to disk, then renamed
/// into place: the rename is atomic on one file system, so a crash or a failed run never leaves a file at
/// the final name that looks complete. A create-only upload moves it with <see cref="NoReplaceRename"/>,
/// so of two runs writing one name exactly one succeeds. The writer holds an exclusive lock (an flock:
/// FileShare.None) on its temporary file while it writes; the kernel drops it when the process dies, however it
/// dies. A SIGKILLed run's temporary file is therefore unlocked, and the first upload or delete in its directory removes it.
/// </remarks>
internal sealed class LocalStorage(string root, ILogger logger)
    : IReadableBackupStorage, IDeletableBackupStorage, ICreateOnlyBackupStorage, IPreflightBackupStorage, ILocatingBackupStorage
{
    private const string PartialMarker = ".partial-";

    // EWOULDBLOCK: another process holds the lock.
    private const int LockHeld = 11;

    // Once per directory and command: later uploads of the same run would only find their own files.
    private readonly ConcurrentDictionary<string, bool> _swept = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Location => $"local:{root}";

    /// <inheritdoc />
    public string LocationOf(string key) => PathOf(key);

    /// <inheritdoc />
    /// <remarks>
    /// Creates and removes a probe file in the directory, or, while it does not exist yet, in its nearest existing
    /// ancestor, where the upload will have to create it: existence alone says nothing about a read-only mount or a
    /// directory owned by another user. The check creates no directory, so it never has one to remove again (removing
    /// one raced with a second run checking or uploading into the same new directory). The probe is named like a
    /// partial upload, so one left by a killed check is hidden from listings and swept like theirs.
    /// </remarks>
    public Task CheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var existing = root;
        while (!Directory.Exists(existing) && !File.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        try
        {
            var probe = Path.Combine(existing, $".preflight{PartialMarker}{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStorageException($"local storage: cannot write under {root}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        WriteAsync(key, content, replace: true, cancellationToken);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        await WriteAsync(key, content, replace: false, cancellationToken);
        return File.GetLastWriteTimeUtc(PathOf(key));
    }

    private async Task WriteAsync(string key, Stream content, bool replace, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        var directory = Path.GetDirectoryName(target)!;
        RemoveDeadPartials(directory);
        var temporary = "";
        try
        {
            await using var file = CreateTemporary(key, target, out temporary);
            var buffer = new byte[1 << 20];
            int read;

            // Not CopyToAsync: a failure reading the content belongs to whoever produces it and must propagate as is,
            // while a failure writing the file is this storage's and is reported as such.
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await Guard(key, () => file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).AsTask());
            }

            await Guard(key, () =>
            {
                file.Flush(flushToDisk: true);
                // Moved while still open, so still locked: a clean-up in another process must never take the finished
                // file for a dead writer's between the close and the move. rename() and link() ignore the flock.
                if (replace)
                {
                    File.Move(temporary, target, overwrite: true);
                }
                else if (!NoReplaceRename.TryMove(temporary, target))
                {
                    throw new BackupObjectExistsException(Location, key);
                }

                file.Close();
                return Task.CompletedTask;
            });
        }
        finally
        {
            // After a successful move there is nothing left; after a failure, the partial file must not linger.
            if (temporary.Length > 0 && File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Creates and locks <c>.&lt;name&gt;.partial-&lt;random&gt;</c> beside <paramref name="target"/>.</summary>
    private FileStream CreateTemporary(string key, string target, out string temporary)
    {
        var directory = Path.GetDirectoryName(target)!;
        try
        {
            Directory.CreateDirectory(directory);

            // FileStream creates the file, then locks it: a concurrent clean-up can take the new file for a dead
            // writer's in between and remove it. Then the file is gone (or still locked by it): take another name.
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                temporary = Path.Combine(directory, $".{Path.GetFileName(target)}{PartialMarker}{Guid.NewGuid():N}");
                try
                {
                    var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                    if (File.Exists(temporary))
                    {
                        return file;
                    }

                    file.Dispose();
                }
                catch (IOException ex) when (ex.HResult == LockHeld)
                {
                }
            }

            throw new IOException("concurrent clean-ups removed three new temporary files in a row");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStorageException($"local storage: cannot write {key} under {root}: {ex.Message}", ex);
        }
    }

    /// <summary>Removes the temporary files in <paramref name="directory"/> that no live writer holds: those of killed runs.</summary>
    /// <remarks>Best effort: one that cannot be removed is logged and left; it never fails the upload or delete.</remarks>
    private void RemoveDeadPartials(string directory)
    {
        if (!_swept.TryAdd(directory, true) || !Directory.Exists(directory))
        {
            return;
        }

        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(directory, $".*{PartialMarker}*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not look for partial files of killed uploads in {Directory}: {Reason}", directory, ex.Message);
            return;
        }

        foreach (var path in candidates.Where(IsPartialName))
        {
            try
            {
                long bytes;
                using (var dead = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                    bytes = dead.Length;
                    File.Delete(path);
                }

                logger.LogInformation("Removed {Path}, left by an upload that was killed ({Bytes:N0} bytes)", path, bytes);
            }
            catch (IOException ex) when (ex.HResult == LockHeld || ex is FileNotFoundException)
            {
                // A live upload's file (locked), or one that has just been renamed into place.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not remove {Path}, left by an upload that was killed: {Reason}", path, ex.Message);
            }
        }
    }

    private static bool IsPartialName(string path)
    {
        var name = Path.GetFileName(path);
        var marker = name.LastIndexOf(PartialMarker, StringComparison.Ordinal);
        return name.StartsWith('.') && marker > 0 && name[(marker + PartialMarker.Length)..] is { Length: 32 } random && random.All(char.IsAsciiHexDigitLower);
    }

    private async Task Guard(string key, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStorageException($"local storage: cannot write {key} under {root}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && !Path.GetFileName(key).Contains(PartialMarker, StringComparison.Ordinal))
            {
                var info = new FileInfo(file);
                yield return new StoredObject(key, info.Length, info.LastWriteTimeUtc);
            }
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupStorageException($"local storage: {key} does not exist under {root}", ex);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        RemoveDeadPartials(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(root, key));
        if (!path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BackupStorageException($"local storage: key '{key}' points outside {root}");
        }

        return path;
    }
}
