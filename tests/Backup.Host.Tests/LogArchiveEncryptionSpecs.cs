using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.PointInTime;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>Archived binlogs with the job's age recipients: <c>.gz.age</c> objects whose index SHA-1 is of the stored bytes, beside plaintext ones from before, and downloads with the right, a wrong or no key.</summary>
public sealed class LogArchiveEncryptionSpecs : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _temp = new();
    private readonly MemoryStorage _storage = new();
    private readonly AgeIdentity _key = AgeIdentity.Generate().Identity;
    private readonly AgeIdentity _stranger = AgeIdentity.Generate().Identity;
    private readonly LogArchive _archive;

    public LogArchiveEncryptionSpecs() => _archive = new LogArchive(_storage, "pitr");

    public void Dispose()
    {
        _temp.Dispose();
        _key.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task An_encrypted_binlog_is_a_gz_age_without_plaintext_whose_index_sha1_is_of_the_stored_bytes_and_it_downloads_whole_with_the_key()
    {
        var binlog = Binlog("row-secret-4711");

        var index = await StoreAsync(1, binlog, _key.Recipient);

        index.DataKey.Should().EndWith(".gz.age");
        index.Encryption.Should().BeEquivalentTo(new LogEncryption("age", [_key.Recipient.ToString()]));
        var stored = _storage.Objects[index.DataKey];
        Encoding.ASCII.GetString(stored).Should().StartWith("age-encryption.org/v1").And.NotContain("row-secret");
        index.Sha1.Should().Be(Convert.ToHexStringLower(SHA1.HashData(stored)));
        index.Size.Should().Be(binlog.Length);
        var json = Encoding.UTF8.GetString(_storage.Objects["pitr/binlogs/" + Path.GetFileName(index.DataKey)[..^".gz.age".Length] + ".json"]);
        json.Should().NotContain(Convert.ToHexStringLower(SHA1.HashData(binlog)), "a plaintext SHA-1 would confirm a guessed binlog");
        (await _archive.ListAsync(CancellationToken.None)).Indexes.Should().ContainSingle().Which.Should().BeEquivalentTo(index);

        (await DownloadAsync(index, _key)).Should().Equal(binlog);
    }

    [Fact]
    public async Task A_plaintext_file_from_before_encryption_and_an_encrypted_one_list_together_and_each_downloads()
    {
        var before = Binlog("before");
        var after = Binlog("after");
        await StoreAsync(1, before, null);
        await StoreAsync(2, after, _key.Recipient);

        var listing = await _archive.ListAsync(CancellationToken.None);

        listing.Missing.Should().BeEmpty();
        listing.Indexes.Select(i => (Path.GetExtension(i.DataKey), i.Encryption is null)).Should().Equal((".gz", true), (".age", false));
        (await DownloadAsync(listing.Indexes[0], null)).Should().Equal(before);
        (await DownloadAsync(listing.Indexes[1], _key)).Should().Equal(after);
    }

    [Fact]
    public async Task A_wrong_key_fails_in_one_line_as_not_decryptable_before_anything_is_written()
    {
        var index = await StoreAsync(1, Binlog("x"), _key.Recipient);
        var path = _temp.Combine("wrong");

        var act = () => _archive.DownloadAsync(index, path, [_stranger], CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .Contain("cannot be decrypted").And.Contain("nothing was replayed").And.NotContain("\n");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public async Task An_altered_encrypted_file_is_refused()
    {
        var index = await StoreAsync(1, Binlog("x"), _key.Recipient);
        _storage.Objects[index.DataKey][^5] ^= 1;

        var act = () => DownloadAsync(index, _key);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain("cannot be read back");
    }

    [Fact]
    public async Task Deleting_an_encrypted_file_removes_its_index_and_its_gz_age()
    {
        var index = await StoreAsync(1, Binlog("x"), _key.Recipient);

        await _archive.DeleteAsync(_storage, index, CancellationToken.None);

        _storage.Objects.Should().BeEmpty();
    }

    // A binlog-looking file of ~300 KiB (several age chunks) holding marker.
    private static byte[] Binlog(string marker) =>
        [0xfe, .. "bin"u8, .. Enumerable.Range(0, 20_000).SelectMany(i => Encoding.ASCII.GetBytes($"{marker}-{i};"))];

    private async Task<LogIndex> StoreAsync(long first, byte[] content, AgeRecipient? recipient)
    {
        var path = _temp.Combine($"binlog.{first:D6}");
        await File.WriteAllBytesAsync(path, content);
        var at = new LogPosition("1", first, $"1-1-{first}");
        var segment = new LogSegment(path, $"binlog.{first:D6}", "db (galera1)", at, at, Noon, Noon) { Previous = new LogPosition("1", first - 1, $"1-1-{first - 1}") };
        var work = Directory.CreateDirectory(_temp.Combine($"work{first}")).FullName;
        return await _archive.StoreAsync(segment, null, recipient is null ? null : [recipient], work, TimeProvider.System, CancellationToken.None);
    }

    private async Task<byte[]> DownloadAsync(LogIndex index, AgeIdentity? key)
    {
        var path = _temp.Combine($"down-{Guid.NewGuid():N}");
        await _archive.DownloadAsync(index, path, key is null ? null : [key], CancellationToken.None);
        return await File.ReadAllBytesAsync(path);
    }
}
