using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Compression;
using Backup.Host.Pipeline;
using Backup.Host.Stored;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests;

public sealed partial class StreamedArchiveVerifierSpecs : IDisposable
{
    private const string Id = "job-20260101T000000Z";
    private const string EntryName = "all-databases.sql";

    // Several blocks, so the object is a run of gzip members / zstd frames as the pipeline writes it.
    private static readonly byte[] Dump = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"INSERT INTO t VALUES ({i}, 'row {i * 7919 % 10007}');\n")));

    private readonly TempDir _dir = new();
    private readonly MemoryStorage _storage = new();

    public static TheoryData<string> Formats => new() { ".sql.gz", ".sql.zst" };

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_whole_streaming_backup_verifies_against_the_manifest_beside_it_and_its_entry_is_extracted(string suffix)
    {
        var backup = await StoreAsync(suffix, await CompressAsync(suffix, Dump));
        var target = Directory.CreateDirectory(_dir.Combine("out")).FullName;

        var verified = await ArchiveVerifier.VerifyAsync(_storage, backup, null, FilesIn(target), CancellationToken.None);

        verified.Manifest.Entries.Should().ContainSingle().Which.Name.Should().Be(EntryName);
        verified.Archive.Size.Should().Be(_storage.Objects[backup.ArchiveKey!].Length);
        (await File.ReadAllBytesAsync(Path.Combine(target, EntryName))).Should().Equal(Dump);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_flipped_byte_is_damage_even_when_the_sha1_was_made_over_the_damaged_object(string suffix)
    {
        var compressed = await CompressAsync(suffix, Dump);
        compressed[compressed.Length / 2] ^= 0x01;
        var backup = await StoreAsync(suffix, compressed);

        var act = () => ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().StartWith($"backup {Id} matches its .sha1 but the archive is damaged: ");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_truncated_object_is_corrupted_or_truncated_against_its_sha1(string suffix)
    {
        var compressed = await CompressAsync(suffix, Dump);
        var backup = await StoreAsync(suffix, compressed);
        _storage.Objects[backup.ArchiveKey!] = compressed[..^100];

        var act = () => ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .StartWith($"backup {Id} is corrupted or truncated: SHA-1 of memory:/p/{Id}{suffix} ({compressed.Length - 100:N0} bytes)");
    }

    [Fact]
    public async Task An_entry_that_differs_from_the_manifest_beside_it_is_damage()
    {
        var backup = await StoreAsync(".sql.gz", await CompressAsync(".sql.gz", Encoding.UTF8.GetBytes("SELECT 9;")), manifestContent: Encoding.UTF8.GetBytes("SELECT 1;"));

        var act = () => ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .StartWith($"backup {Id} matches its .sha1 but the archive is damaged: entry '{EntryName}' is 9 bytes with SHA-1");
    }

    [Fact]
    public async Task A_streaming_backup_without_its_manifest_cannot_be_verified_and_says_why()
    {
        var backup = await StoreAsync(".sql.zst", await CompressAsync(".sql.zst", Dump));

        var act = () => ArchiveVerifier.VerifyAsync(_storage, backup with { ManifestKey = null }, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .Be($"backup {Id} is incomplete: {Id}.manifest.json is missing, and a .sql.zst backup has its entry's name and checksum only there");
    }

    [Fact]
    public async Task A_manifest_beside_it_that_belongs_to_another_backup_is_refused()
    {
        var backup = await StoreAsync(".sql.gz", await CompressAsync(".sql.gz", Dump));
        _storage.Objects[backup.ManifestKey!] = (Manifest(Dump) with { BackupId = "job-20250101T000000Z" }).ToJsonBytes();

        var act = () => ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .Be($"backup {Id}: memory:/p/{Id}.manifest.json is unusable: it belongs to backup job-20250101T000000Z");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task An_entry_that_inflates_past_its_manifest_size_is_cut_one_byte_after_it_and_is_damage(string suffix)
    {
        var backup = await StoreAsync(suffix, await CompressAsync(suffix, new byte[8 << 20]), manifestContent: new byte[10]);
        var target = Directory.CreateDirectory(_dir.Combine("out")).FullName;

        var act = () => ArchiveVerifier.VerifyAsync(_storage, backup, null, FilesIn(target), CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .Be($"backup {Id} matches its .sha1 but the archive is damaged: entry '{EntryName}' is longer than the 10 bytes the manifest says");
        new FileInfo(Path.Combine(target, EntryName)).Length.Should().Be(11, "extraction stops one byte after the manifest's size");
    }

    private static async Task<byte[]> CompressAsync(string suffix, byte[] content)
    {
        var format = ArchiveFormat.All(BackupJob.DefaultStreamExtension).Single(f => f.Suffix == suffix);
        using var output = new MemoryStream();
        await using (var compressor = new ParallelCompressionStream(output, BlockCodec.Create(format.Compression, 3), threads: 2, blockSize: 64 << 10, leaveOpen: true))
        {
            await compressor.WriteAsync(content);
            await compressor.CompleteAsync(CancellationToken.None);
        }

        return output.ToArray();
    }

    private static BackupManifest Manifest(byte[] content) =>
        new(1, "job", Id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "fake", new Dictionary<string, string>(),
            [new EntryInfo(EntryName, content.Length, Convert.ToHexStringLower(SHA1.HashData(content)))], "test", null);

    /// <summary>Stores the object, a manifest beside it for <paramref name="manifestContent"/> (default: what was compressed) and a .sha1 that matches the object.</summary>
    private Task<StoredBackup> StoreAsync(string suffix, byte[] compressed, byte[]? manifestContent = null)
    {
        var format = ArchiveFormat.All(BackupJob.DefaultStreamExtension).Single(f => f.Suffix == suffix);
        var backup = new StoredBackup(Id, DateTimeOffset.UnixEpoch, format, $"p/{Id}{suffix}", compressed.Length, $"p/{Id}.manifest.json", $"p/{Id}{format.ChecksumSuffix}", []);
        _storage.Objects[backup.ArchiveKey!] = compressed;
        _storage.Objects[backup.ManifestKey!] = Manifest(manifestContent ?? Dump).ToJsonBytes();
        _storage.Objects[backup.ChecksumKey!] = Encoding.ASCII.GetBytes($"{Convert.ToHexStringLower(SHA1.HashData(compressed))}  {Id}{suffix}\n");
        return Task.FromResult(backup);
    }

    /// <summary>An entry sink writing each entry to a file named after it in <paramref name="directory"/>.</summary>
    private static Func<string, Stream> FilesIn(string directory) => name => File.Create(Path.Combine(directory, name));
}
