using System.Runtime.CompilerServices;
using Backup.Abstractions;

namespace Backup.Plugins.Local;

/// <summary>Stores objects as files under a root directory; keys map to relative paths.</summary>
/// <remarks>
/// Each upload goes to a hidden temporary file in the target directory, is flushed to disk, then renamed
/// into place: the rename is atomic on one file system, so a crash or a failed run never leaves a file at
/// the final name that looks complete. A create-only upload moves it with <see cref="NoReplaceRename"/>,
/// so of two runs writing one name exactly one succeeds.
/// </remarks>
internal sealed class LocalStorage(string root) : IReadableBackupStorage, IDeletableBackupStorage, ICreateOnlyBackupStorage
{
    private const string PartialMarker = ".partial-";

    /// <inheritdoc />
    public string Location => $"local:{root}";

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
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}{PartialMarker}{Guid.NewGuid():N}");
        try
        {
            await using var file = CreateTemporary(key, directory, temporary);
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
                file.Close();
                if (replace)
                {
                    File.Move(temporary, target, overwrite: true);
                }
                else if (!NoReplaceRename.TryMove(temporary, target))
                {
                    throw new BackupObjectExistsException(Location, key);
                }

                return Task.CompletedTask;
            });
        }
        finally
        {
            // After a successful move there is nothing left; after a failure, the partial file must not linger.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private FileStream CreateTemporary(string key, string directory, string temporary)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStorageException($"local storage: cannot write {key} under {root}: {ex.Message}", ex);
        }
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
