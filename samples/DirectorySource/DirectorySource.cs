using System.Formats.Tar;
using System.Globalization;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Contoso.Backup.DirectorySource;

/// <summary>Writes the directory tree as one tar entry: files, directories and symbolic links, with their modes and times.</summary>
internal sealed class DirectorySource(string path, string entryName, ILogger<DirectorySource> logger) : IBackupSource
{
    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(path))
        {
            // A BackupSourceException is what the user sees, as one line (exit code 4); nothing is uploaded.
            throw new BackupSourceException($"directory source: {path} does not exist or is not a directory");
        }

        long files = 0;
        long bytes = 0;
        await context.Writer.WriteEntryAsync(entryName, async (stream, ct) =>
        {
            // leaveOpen: the host owns the stream it hands us.
            await using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
            foreach (var item in Enumerate())
            {
                ct.ThrowIfCancellationRequested();
                var name = Path.GetRelativePath(path, item.FullName).Replace(Path.DirectorySeparatorChar, '/');
                try
                {
                    await tar.WriteEntryAsync(item.FullName, name, ct);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    throw new BackupSourceException($"directory source: cannot read {item.FullName}: {ex.Message}", ex);
                }

                if (item is FileInfo { LinkTarget: null } file)
                {
                    files++;
                    bytes += file.Length;
                }
            }
        }, cancellationToken);

        logger.LogInformation("Archived {Files} files ({Bytes} bytes) from {Path}", files, bytes, path);
        return new SourceResult(new Dictionary<string, string>
        {
            ["directory"] = path,
            ["files"] = files.ToString(CultureInfo.InvariantCulture),
            ["bytes"] = bytes.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Every entry under the directory, parents before children, in a stable order (so two backups of the same tree are identical).</summary>
    private IEnumerable<FileSystemInfo> Enumerate()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        try
        {
            return new DirectoryInfo(path).EnumerateFileSystemInfos("*", options)
                .OrderBy(i => i.FullName, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new BackupSourceException($"directory source: cannot list {path}: {ex.Message}", ex);
        }
    }
}
