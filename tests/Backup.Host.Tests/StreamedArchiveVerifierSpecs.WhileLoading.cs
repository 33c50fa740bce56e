using System.Text;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Stored;

namespace Backup.Host.Tests;

/// <summary>The single pass for a source that discards a failed restore: the entry is read while the verifier downloads it, and its end is the verifier's verdict.</summary>
public sealed partial class StreamedArchiveVerifierSpecs
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task An_intact_backup_read_while_verifying_gives_the_whole_entry_and_then_its_end(string suffix)
    {
        var backup = await StoreAsync(suffix, await CompressAsync(suffix, Dump));
        using var watch = new IntegrityWatch(CancellationToken.None);
        await using var entries = Entries(backup, watch);

        await using (var entry = await entries.OpenAsync(EntryName, CancellationToken.None))
        {
            (await ReadAllAsync(entry)).Should().Equal(Dump);
        }

        var verified = await entries.CompleteAsync().WaitAsync(Deadline);
        verified.Archive.Size.Should().Be(_storage.Objects[backup.ArchiveKey!].Length);
        watch.Failure.Should().BeNull();
    }

    // The case that makes the single pass safe: every byte of the entry is intact, but the stored object does not match
    // its .sha1, which is known only after the last byte. The reader must never see the end of the entry, only the failure.
    [Theory]
    [MemberData(nameof(Formats))]
    public async Task When_only_the_sha1_differs_the_reader_never_sees_the_end_of_the_entry_only_the_failure(string suffix)
    {
        var backup = await StoreAsync(suffix, await CompressAsync(suffix, Dump));
        _storage.Objects[backup.ChecksumKey!] = Encoding.ASCII.GetBytes($"{new string('0', 40)}  {Id}{suffix}\n");
        using var watch = new IntegrityWatch(CancellationToken.None);
        await using var entries = Entries(backup, watch);
        await using var entry = await entries.OpenAsync(EntryName, CancellationToken.None);

        var received = new MemoryStream();
        var read = async () =>
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await entry.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        };

        (await read.Should().ThrowAsync<BackupIntegrityException>().WaitAsync(Deadline)).Which.Message.Should()
            .StartWith($"backup {Id} is corrupted or truncated: SHA-1 of memory:/p/{Id}{suffix}");
        // How much arrived before the failure depends on timing; all of it is the intact entry's start.
        received.ToArray().Should().Equal(Dump.Take((int)received.Length), "the entry itself is intact");
        watch.Failure.Should().NotBeNull();
        watch.Token.IsCancellationRequested.Should().BeTrue("the restore is stopped");
        (await entries.AbandonAsync()).Should().BeOfType<BackupIntegrityException>();
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_flipped_byte_fails_the_read_before_the_end_of_the_entry(string suffix)
    {
        var compressed = await CompressAsync(suffix, Dump);
        compressed[compressed.Length / 2] ^= 0x01;
        var backup = await StoreAsync(suffix, compressed);
        using var watch = new IntegrityWatch(CancellationToken.None);
        await using var entries = Entries(backup, watch);
        await using var entry = await entries.OpenAsync(EntryName, CancellationToken.None);

        var read = () => ReadAllAsync(entry);

        (await read.Should().ThrowAsync<BackupIntegrityException>().WaitAsync(Deadline)).Which.Message.Should()
            .StartWith($"backup {Id} matches its .sha1 but the archive is damaged: ");
    }

    // A source that stops reading early (or never opens the entry) must not leave the verifier waiting at a full pipe:
    // the rest is verified without being kept. 24 MiB is several times the pipe's bound.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_source_that_stops_reading_early_still_gets_the_whole_backup_verified(bool opens)
    {
        var content = new byte[24 << 20];
        new Random(7).NextBytes(content);
        var backup = await StoreAsync(".sql.zst", await CompressAsync(".sql.zst", content), manifestContent: content);
        using var watch = new IntegrityWatch(CancellationToken.None);
        await using var entries = Entries(backup, watch, content);
        if (opens)
        {
            await using var entry = await entries.OpenAsync(EntryName, CancellationToken.None);
            (await entry.ReadAtLeastAsync(new byte[1 << 20], 1 << 20)).Should().Be(1 << 20);
        }

        var verified = await entries.CompleteAsync().WaitAsync(Deadline);

        verified.Archive.Size.Should().Be(_storage.Objects[backup.ArchiveKey!].Length);
    }

    [Fact]
    public async Task The_entry_is_read_once_because_it_is_verified_as_it_downloads()
    {
        var backup = await StoreAsync(".sql.gz", await CompressAsync(".sql.gz", Dump));
        using var watch = new IntegrityWatch(CancellationToken.None);
        await using var entries = Entries(backup, watch);
        await using var entry = await entries.OpenAsync(EntryName, CancellationToken.None);

        var again = () => entries.OpenAsync(EntryName, CancellationToken.None);

        await again.Should().ThrowAsync<InvalidOperationException>().WithMessage("*can be read only once*");
        var other = () => entries.OpenAsync("other.sql", CancellationToken.None);
        await other.Should().ThrowAsync<ArgumentException>();
    }

    private VerifyingEntries Entries(StoredBackup backup, IntegrityWatch watch, byte[]? content = null) =>
        new(_storage, backup, Manifest(content ?? Dump), null, watch, new ProgressMeter(TimeProvider.System), new ProgressMeter(TimeProvider.System), CancellationToken.None);

    private static async Task<byte[]> ReadAllAsync(Stream entry)
    {
        using var all = new MemoryStream();
        await entry.CopyToAsync(all);
        return all.ToArray();
    }
}
