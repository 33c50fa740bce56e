using System.IO.Compression;
using System.Text;
using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Point-in-time recovery for a job with <c>encryption</c>, on the real Galera cluster through the published host:
/// binlogs are stored as <c>.gz.age</c> that the real <c>age -d</c> opens, replay needs a key they were encrypted to
/// (exit 7 and nothing loaded without one), and an archive begun before encryption was switched on still replays.
/// </summary>
public sealed class EncryptedPointInTimeRecoverySpecs : IAsyncLifetime
{
    private readonly PointInTimeTestBed _bed = new();

    public Task InitializeAsync() => _bed.InitializeAsync();

    public Task DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task Encrypted_binlogs_hold_no_plaintext_open_with_age_by_hand_and_replay_to_a_gtid_only_with_the_right_key()
    {
        var key = await AgeKeyPair.CreateAsync(_bed.Dir);
        var (strangerKey, _) = await AgeKeyPair.CreateAsync(_bed.Dir);
        var noKey = _bed.WriteSpec(key.EncryptionSection, "public-keys-only.yaml");
        var spec = _bed.WriteSpec(key.EncryptionSection + $"  identity: {{file: {key.IdentityFile}}}\n");
        await _bed.WriteAsync(1, 1);
        (await PublishedHost.RunAsync(["run", "--spec", spec])).ExitCode.Should().Be(0);
        await _bed.WriteAsync(1, 2);
        var (target, _) = await _bed.WriteAsync(1, 3);
        await _bed.WriteAsync(1, 4);

        await PointInTimeTestBed.ArchiveOnceAsync(spec);

        var indexes = _bed.Indexes();
        indexes.Should().NotBeEmpty().And.OnlyContain(i => i.DataFile.EndsWith(".gz.age", StringComparison.Ordinal));
        indexes.Should().OnlyContain(i => i.Json.GetProperty("encryption").GetProperty("recipients")[0].GetString() == key.Recipient);
        var holding = indexes.Single(i => i.First <= target.Sequence && i.Last >= target.Sequence);
        var stored = await File.ReadAllBytesAsync(Path.Combine(_bed.BinlogFolder, holding.DataFile));
        Encoding.Latin1.GetString(stored).Should().StartWith("age-encryption.org/v1").And.NotContain(_bed.Note(3));

        // By hand, without this tool: age -d gives the .gz it would have stored unencrypted, a binlog holding the row.
        var opened = _bed.Dir.Combine("opened.gz");
        await CliWrap.Cli.Wrap("age").WithArguments(["-d", "-i", key.IdentityFile, "-o", opened, Path.Combine(_bed.BinlogFolder, holding.DataFile)]).ExecuteBufferedAsync();
        var binlog = new MemoryStream();
        await using (var gzip = new GZipStream(File.OpenRead(opened), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(binlog);
        }

        binlog.ToArray().Take(4).Should().Equal((byte)0xfe, (byte)'b', (byte)'i', (byte)'n');
        Encoding.Latin1.GetString(binlog.ToArray()).Should().Contain(_bed.Note(3));
        (await PublishedHost.RunAsync(["list", "--spec", noKey])).StandardOutput.Should().Contain("Recoverable window").And.NotContain("none:", "the encrypted backup's GTID is read without a key");

        await using var fresh = await ScratchServer.StartFreshAsync();
        var withoutKey = await PointInTimeTestBed.RestoreAsync(noKey, fresh.Port, "--to-gtid", target.Text);
        var withStranger = await PointInTimeTestBed.RestoreAsync(_bed.WriteSpec(key.EncryptionSection + $"  identity: {{file: {strangerKey}}}\n", "stranger.yaml"), fresh.Port, "--to-gtid", target.Text);

        withoutKey.ExitCode.Should().Be(7, withoutKey.StandardError);
        withoutKey.ErrorLines().Should().ContainSingle().Which.Should().Contain("encrypted (age)").And.Contain("no private key is configured");
        withStranger.ExitCode.Should().Be(7, withStranger.StandardError);
        withStranger.ErrorLines().Should().ContainSingle().Which.Should().Contain("cannot be decrypted").And.Contain("wrong key").And.Contain(".gz.age");
        (await _bed.DatabaseExistsAsync(fresh.Port)).Should().BeFalse("nothing may be loaded without the right key");

        var restored = await PointInTimeTestBed.RestoreAsync(spec, fresh.Port, "--to-gtid", target.Text);
        restored.ExitCode.Should().Be(0, restored.StandardError);
        (await _bed.IdsAsync(fresh.Port)).Should().Equal([1, 2, 3], "row 1 is in the backup, rows 2-3 are replayed up to the target GTID, row 4 is after it");
    }

    [Fact]
    public async Task An_archive_of_plaintext_binlogs_from_before_encryption_was_switched_on_and_encrypted_ones_after_replays_to_a_time()
    {
        var plain = _bed.WriteSpec();
        await _bed.WriteAsync(1, 1);
        (await PublishedHost.RunAsync(["run", "--spec", plain])).ExitCode.Should().Be(0);
        await _bed.WriteAsync(1, 2);
        await PointInTimeTestBed.ArchiveOnceAsync(plain);

        var key = await AgeKeyPair.CreateAsync(_bed.Dir);
        var spec = _bed.WriteSpec(key.EncryptionSection + $"  identity: {{file: {key.IdentityFile}}}\n");
        var (_, targetAt) = await _bed.WriteAsync(1, 3);
        await PointInTimeTestBed.WaitForNextSecondAsync(targetAt);
        await _bed.WriteAsync(1, 4);
        await PointInTimeTestBed.ArchiveOnceAsync(spec);

        _bed.Indexes().Select(i => i.DataFile.EndsWith(".age", StringComparison.Ordinal)).Should().Contain([false, true], "the archive holds both kinds");
        await using var fresh = await ScratchServer.StartFreshAsync();
        var restored = await PointInTimeTestBed.RestoreAsync(spec, fresh.Port, "--to-time", targetAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

        restored.ExitCode.Should().Be(0, restored.StandardError);
        (await _bed.IdsAsync(fresh.Port)).Should().Equal([1, 2, 3], "row 2 is in a plaintext binlog, row 3 in an encrypted one, row 4 after the target second");
    }
}
