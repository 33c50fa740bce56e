using System.Runtime.CompilerServices;
using Backup.Abstractions;

namespace MyCompany.Backup.Storage;

/// <summary>Keeps each object as a file below a root directory: replace this with your store.</summary>
/// <remarks>
/// The root is this store's "container": like a bucket, it must exist, and a missing one fails the pre-flight check and
/// the upload naming it (the kit's missing-container tests), rather than being created where a typo in the spec points.
/// Each interface is a capability the host and the kit ask about: drop one you cannot offer and its kit tests are
/// skipped, saying why.
/// </remarks>
internal sealed class DirectoryStorage(string root)
    : IReadableBackupStorage, IDeletableBackupStorage, IPreflightBackupStorage, ILocatingBackupStorage
{
    // Uploads in progress: hidden from listings, renamed into place only when complete.
    private const string PartialSuffix = ".partial";

    public string Location => $"example-storage:{root}";

    /// <summary>Called by <c>backup run</c> before the source starts: a missing root fails in seconds, not after the dump.</summary>
    public Task CheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(root))
        {
            throw new BackupStorageException($"{Location}: directory {root} does not exist (create it or fix storage.settings.path)");
        }

        return Task.CompletedTask;
    }

    /// <summary>Where the host tells the user an object is: here, the file itself.</summary>
    public string LocationOf(string key) => PathOf(key);

    public async Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            throw new BackupStorageException($"{Location}: directory {root} does not exist; cannot store {key} (create it or fix storage.settings.path)");
        }

        var target = PathOf(key);
        var partial = $"{target}.{Guid.NewGuid():N}{PartialSuffix}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                // Streamed: the content's length may be unknown and a backup may not fit in memory.
                await content.CopyToAsync(file, 1 << 20, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            // All or nothing: the object appears at its key in one rename, or not at all.
            File.Move(partial, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStorageException($"{Location}: cannot store {key}: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        if (!Directory.Exists(root))
        {
            throw new BackupStorageException($"{Location}: directory {root} does not exist");
        }

        foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && !key.EndsWith(PartialSuffix, StringComparison.Ordinal))
            {
                yield return new StoredObject(key, file.Length, file.LastWriteTimeUtc);
            }
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupStorageException($"{Location}: no object {key}", ex);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        // Deleting what is not there is not an error (File.Delete ignores a missing file, not a missing directory).
        var path = PathOf(key);
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    /// <summary>The file of <paramref name="key"/>, refusing keys that would leave the root (<c>..</c>, absolute paths).</summary>
    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(root, key));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BackupStorageException($"{Location}: key {key} points outside the storage");
        }

        return path;
    }
}
