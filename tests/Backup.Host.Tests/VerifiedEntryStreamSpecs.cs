using System.Security.Cryptography;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Stored;

namespace Backup.Host.Tests;

public sealed class VerifiedEntryStreamSpecs
{
    private static readonly byte[] Original = RandomNumberGenerator.GetBytes(300_000);

    private static EntryInfo Info => new("dump.sql", Original.Length, Convert.ToHexStringLower(SHA1.HashData(Original)));

    [Fact]
    public async Task The_verified_bytes_pass_through_whole()
    {
        using var watch = new IntegrityWatch(CancellationToken.None);
        var received = new MemoryStream();

        await using (var entry = Open(Original, watch))
        {
            await entry.CopyToAsync(received);
        }

        received.ToArray().Should().Equal(Original);
        watch.Failure.Should().BeNull();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(299_999)]
    public async Task A_changed_entry_stops_the_load_and_its_held_back_end_is_never_handed_on(int flipped)
    {
        var changed = (byte[])Original.Clone();
        changed[flipped] ^= 0x01;
        using var watch = new IntegrityWatch(CancellationToken.None);
        var received = new MemoryStream();

        var act = async () =>
        {
            await using var entry = Open(changed, watch);
            await entry.CopyToAsync(received);
        };

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .StartWith("entry 'dump.sql' read from the test is not what was verified: it is 300,000 bytes with SHA-1");
        received.Length.Should().Be(Original.Length - VerifiedEntryStream.TailBytes, "the last 64 KiB wait for the SHA-1");
        watch.Failure.Should().NotBeNull();
        watch.Token.IsCancellationRequested.Should().BeTrue("the source's load is stopped");
    }

    [Fact]
    public async Task A_longer_entry_is_cut_one_byte_after_its_size()
    {
        using var watch = new IntegrityWatch(CancellationToken.None);

        var act = async () =>
        {
            await using var entry = Open([.. Original, .. new byte[1 << 20]], watch);
            await entry.CopyToAsync(Stream.Null);
        };

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain("it is longer than 300,000 bytes");
    }

    private static VerifiedEntryStream Open(byte[] data, IntegrityWatch watch) =>
        new(new MemoryStream(data), Info, "the test", watch, new MemoryStream());
}
