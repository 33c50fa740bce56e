using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Writes a backup as someone with write access to the bucket can: archive, manifest and <c>.sha1</c> all consistent
/// (the SHA-1 proves consistency, not origin), so verify passes and only what the restore does with the content counts.
/// </summary>
internal static class ForgedBackup
{
    /// <summary>The data entry's name, as mariadb-ha writes it.</summary>
    public const string EntryName = "all-databases-dump.sql";

    /// <summary>Writes backup <paramref name="id"/> of a <c>mariadb-ha</c> job holding <paramref name="dump"/> under <paramref name="store"/>/<paramref name="prefix"/> (the local storage's layout).</summary>
    public static void Write(string store, string prefix, string job, string id, string dump)
    {
        var directory = Directory.CreateDirectory(Path.Combine(store, prefix)).FullName;
        var entry = Encoding.UTF8.GetBytes(dump);
        var entries = new[] { new { name = EntryName, size = entry.LongLength, sha1 = Sha1(entry) } };

        var archive = new MemoryStream();
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(Manifest(job, id, entries, archive: null)) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, EntryName) { DataStream = new MemoryStream(entry) });
        }

        var bytes = archive.ToArray();
        var name = id + ".tar.gz";
        File.WriteAllBytes(Path.Combine(directory, name), bytes);
        File.WriteAllBytes(Path.Combine(directory, id + ".manifest.json"), Manifest(job, id, entries, new { name, size = bytes.LongLength, sha1 = Sha1(bytes) }));
        File.WriteAllText(Path.Combine(directory, name + ".sha1"), $"{Sha1(bytes)}  {name}\n");
    }

    private static byte[] Manifest(string job, string id, object entries, object? archive) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            formatVersion = 1,
            job,
            backupId = id,
            startedAt = DateTimeOffset.UtcNow,
            sourceFinishedAt = DateTimeOffset.UtcNow,
            sourcePlugin = "mariadb-ha",
            sourceMetadata = new Dictionary<string, string> { ["layout"] = "schemas", ["node"] = "db-0:3306" },
            entries,
            hostVersion = "0.1.0",
            archive,
        });

    private static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));
}
