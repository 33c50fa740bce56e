using System.Formats.Tar;

namespace Backup.Host.Pipeline;

/// <summary>Writes the tar of a backup: the manifest first, then the entries from temp disk.</summary>
internal static class ArchiveBuilder
{
    /// <summary>Writes the tar stream into <paramref name="output"/> (the compressor); does not close it.</summary>
    public static async Task WriteTarAsync(Stream output, BackupManifest manifest, FileEntryWriter entries, CancellationToken cancellationToken)
    {
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
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
}
