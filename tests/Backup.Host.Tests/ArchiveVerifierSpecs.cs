using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Stored;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests;

public sealed partial class ArchiveVerifierSpecs : IDisposable
{
    private const string Id = "job-20260101T000000Z";
    private readonly TempDir _dir = new();
    private readonly MemoryStorage _storage = new();

    private static StoredBackup Backup => new(Id, DateTimeOffset.UnixEpoch, ArchiveFormat.TarGz, $"p/{Id}.tar.gz", 0, null, $"p/{Id}.tar.gz.sha1", []);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_whole_archive_verifies_and_its_entries_are_extracted_when_asked()
    {
        await StoreAsync(await BuildAsync(("a.sql", "SELECT 1;"), ("users.sql", "SELECT 2;")));
        var target = Directory.CreateDirectory(_dir.Combine("out")).FullName;

        var verified = await ArchiveVerifier.VerifyAsync(_storage, Backup, null, FilesIn(target), CancellationToken.None);

        verified.Manifest.Entries.Select(e => e.Name).Should().Equal("a.sql", "users.sql");
        File.ReadAllText(Path.Combine(target, "users.sql")).Should().Be("SELECT 2;");
        verified.Archive.Sha1.Should().Be(Convert.ToHexStringLower(SHA1.HashData(_storage.Objects[Backup.ArchiveKey!])));
    }

    [Fact]
    public async Task An_entry_that_differs_from_the_manifest_is_damage_even_when_the_sha1_matches()
    {
        // As if the .sha1 had been regenerated over a bad archive: only the manifest inside can tell.
        var archive = await BuildAsync(("a.sql", "SELECT 1;"));
        archive = Replace(archive, "SELECT 1;", "SELECT 9;");
        await StoreAsync(archive);

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .StartWith($"backup {Id} matches its .sha1 but the archive is damaged: entry 'a.sql' is 9 bytes with SHA-1");
    }

    [Fact]
    public async Task Bytes_that_are_not_gzip_are_damage()
    {
        await StoreAsync(Encoding.ASCII.GetBytes("this is not an archive"));

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain("matches its .sha1 but the archive is damaged");
    }

    [Fact]
    public async Task A_download_that_breaks_is_a_storage_failure_not_damage()
    {
        await StoreAsync(await BuildAsync(("a.sql", new string('x', 200_000))));
        _storage.FailReadsAfter = 1000;

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should()
            .Be($"reading memory:/p/{Id}.tar.gz failed after 1,000 bytes: IOException: connection reset by peer");
    }

    [Fact]
    public async Task A_sha1_file_that_is_not_a_sha1sum_line_is_reported()
    {
        await StoreAsync(await BuildAsync(("a.sql", "x")));
        _storage.Objects[Backup.ChecksumKey!] = Encoding.ASCII.GetBytes("<html>AccessDenied</html>");

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain("is not a sha1sum line");
    }

    [Fact]
    public async Task A_backup_without_its_sha1_is_incomplete()
    {
        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup with { ChecksumKey = null }, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain("is incomplete");
    }

    [Fact]
    public async Task An_entry_that_inflates_past_its_manifest_size_is_cut_one_byte_after_it_and_is_damage()
    {
        // A decompression bomb: 8 MiB of zeros compress to a few KB, the (forged but consistent) manifest says 10 bytes.
        await StoreAsync(await ForgeAsync(Manifest(("a.sql", 10)), [("a.sql", new byte[8 << 20])]));
        var target = Directory.CreateDirectory(_dir.Combine("out")).FullName;

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, FilesIn(target), CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .Be($"backup {Id} matches its .sha1 but the archive is damaged: entry 'a.sql' is longer than the 10 bytes the manifest says");
        new FileInfo(Path.Combine(target, "a.sql")).Length.Should().Be(11, "extraction stops one byte after the manifest's size");
    }

    [Fact]
    public async Task A_manifest_larger_than_the_cap_is_damage_and_is_not_read_whole()
    {
        var manifest = Manifest(("a.sql", 1)).ToJsonBytes();
        var padded = manifest.Concat(Enumerable.Repeat((byte)' ', BackupManifest.MaxBytes)).ToArray();
        await StoreAsync(await ForgeAsync(padded, [("a.sql", "x"u8.ToArray())]));

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .EndWith($"the archive is damaged: the manifest is larger than {BackupManifest.MaxBytes:N0} bytes");
    }

    [Fact]
    public async Task Megabytes_after_the_tar_end_are_damage()
    {
        var content = "x"u8.ToArray();
        var manifest = Manifest(("a.sql", content.Length), Convert.ToHexStringLower(SHA1.HashData(content))).ToJsonBytes();
        await StoreAsync(await ForgeAsync(manifest, [("a.sql", content)], trailingZeros: 2 << 20));

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().EndWith("more than 1,048,576 bytes follow the tar's end");
    }

    private async Task<byte[]> BuildAsync(params (string Name, string Content)[] entries)
    {
        var writer = new FileEntryWriter(Directory.CreateDirectory(_dir.Combine($"entries-{Guid.NewGuid():N}")).FullName);
        foreach (var (name, content) in entries)
        {
            await writer.WriteEntryAsync(name, (s, ct) => s.WriteAsync(Encoding.UTF8.GetBytes(content), ct).AsTask(), CancellationToken.None);
        }

        var manifest = new BackupManifest(1, "job", Id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "fake", new Dictionary<string, string>(), writer.Entries, "test", null);
        var path = _dir.Combine($"{Guid.NewGuid():N}.tar.gz");
        // Stored (level 0) deflate on purpose, so Replace can find and alter the plain bytes.
        await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.NoCompression))
        {
            await ArchiveBuilder.WriteTarAsync(gzip, manifest, writer, CancellationToken.None);
        }

        return await File.ReadAllBytesAsync(path);
    }

    private static BackupManifest Manifest((string Name, long Size) entry, string sha1 = "0000000000000000000000000000000000000000") =>
        new(1, "job", Id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "fake", new Dictionary<string, string>(), [new EntryInfo(entry.Name, entry.Size, sha1)], "test", null);

    private static Task<byte[]> ForgeAsync(BackupManifest manifest, (string Name, byte[] Content)[] entries) => ForgeAsync(manifest.ToJsonBytes(), entries);

    /// <summary>A tar.gz written by hand, as a forger would: any manifest bytes, any entries, optionally zeros after the tar's end.</summary>
    private static Task<byte[]> ForgeAsync(byte[] manifest, (string Name, byte[] Content)[] entries, int trailingZeros = 0) =>
        ForgeMembersAsync([(BackupManifest.EntryName, manifest), .. entries], trailingZeros);

    /// <summary>A tar.gz of exactly <paramref name="members"/>, in that order, optionally with zeros after the tar's end.</summary>
    private static async Task<byte[]> ForgeMembersAsync((string Name, byte[] Content)[] members, int trailingZeros = 0)
    {
        using var output = new MemoryStream();
        await using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var (name, content) in members)
                {
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
                }
            }

            await gzip.WriteAsync(new byte[trailingZeros]);
        }

        return output.ToArray();
    }

    /// <summary>Stores the archive with a .sha1 that matches it, whatever it holds.</summary>
    private Task StoreAsync(byte[] archive)
    {
        _storage.Objects[Backup.ArchiveKey!] = archive;
        _storage.Objects[Backup.ChecksumKey!] = Encoding.ASCII.GetBytes($"{Convert.ToHexStringLower(SHA1.HashData(archive))}  {Id}.tar.gz\n");
        return Task.CompletedTask;
    }

    /// <summary>Replaces bytes inside an uncompressed (level 0) gzip member and fixes nothing else: gzip's CRC then no longer matches either.</summary>
    private static byte[] Replace(byte[] archive, string from, string to)
    {
        var at = archive.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        at.Should().BeGreaterThan(0);
        var copy = archive.ToArray();
        Encoding.ASCII.GetBytes(to).CopyTo(copy, at);
        return copy;
    }

    /// <summary>An entry sink writing each entry to a file named after it in <paramref name="directory"/>.</summary>
    private static Func<string, Stream> FilesIn(string directory) => name => File.Create(Path.Combine(directory, name));
}
