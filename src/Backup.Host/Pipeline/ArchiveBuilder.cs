using System.Formats.Tar;
using System.IO.Compression;

namespace Backup.Host.Pipeline;

/// <summary>Writes the <c>.tar.gz</c> of a backup (manifest first, then the entries) and its SHA-1.</summary>
internal static class ArchiveBuilder
{
    /// <summary>Creates <paramref name="archivePath"/> and returns its size and SHA-1.</summary>
    public static async Task<ArchiveInfo> CreateAsync(
        string archivePath,
        BackupManifest manifest,
        FileEntryWriter entries,
        CompressionLevel level,
        CancellationToken cancellationToken)
    {
        await using var file = new FileStream(archivePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        ArchiveInfo archive;
        await using (var hashing = new HashingStream(file, leaveOpen: true))
        {
            await using (var gzip = new GZipStream(hashing, level, leaveOpen: true))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            {
                var manifestEntry = new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.EntryName)
                {
                    DataStream = new MemoryStream(manifest.ToJsonBytes()),
                    ModificationTime = manifest.SourceFinishedAt,
                };
                await tar.WriteEntryAsync(manifestEntry, cancellationToken);

                foreach (var entry in entries.Entries)
                {
                    await tar.WriteEntryAsync(entries.PathOf(entry.Name), entry.Name, cancellationToken);
                }
            }

            await hashing.FlushAsync(cancellationToken);
            archive = new ArchiveInfo(Path.GetFileName(archivePath), hashing.BytesWritten, hashing.HexDigest());
        }

        await file.FlushAsync(cancellationToken);
        return archive;
    }
}
