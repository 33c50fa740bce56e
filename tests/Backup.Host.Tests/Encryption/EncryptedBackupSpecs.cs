using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;
using Backup.Host.Spec;
using Backup.Host.Stored;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests.Encryption;

/// <summary>An encrypted run: <c>.age</c> objects whose <c>.sha1</c> is of the stored bytes, a manifest beside that shows no plaintext, and verify with, without and with the wrong key.</summary>
public sealed class EncryptedBackupSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 4, 0, 0, TimeSpan.Zero);
    private readonly TempDir _temp = new();
    private readonly MemoryStorage _storage = new();
    private readonly AgeIdentity _key = AgeIdentity.Generate().Identity;
    private readonly AgeIdentity _newKey = AgeIdentity.Generate().Identity;

    public void Dispose()
    {
        _temp.Dispose();
        _key.Dispose();
        _newKey.Dispose();
    }

    [Fact]
    public async Task Archive_mode_stores_a_tar_gz_age_that_decrypts_to_the_tar_gz_and_a_manifest_without_plaintext()
    {
        var dump = TestData.Dump(3 << 20);

        var outcome = await RunAsync(PipelineMode.Archive, ("secret_table.sql", dump));

        _storage.Uploads.Select(u => u.Key).Should().Equal(
            "p/job-20261125T040000Z.tar.gz.age", "p/job-20261125T040000Z.manifest.json", "p/job-20261125T040000Z.tar.gz.age.sha1");
        var stored = _storage.Objects[outcome.ArchiveKey];
        outcome.Archive.Sha1.Should().Be(Convert.ToHexStringLower(SHA1.HashData(stored)), "the .sha1 is of the stored, encrypted bytes");
        Encoding.ASCII.GetString(stored, 0, 21).Should().Be("age-encryption.org/v1");

        var tarGz = await AgeStreamSpecs.DecryptAsync(stored, [_newKey]);
        await using var tar = new TarReader(new GZipStream(new MemoryStream(tarGz), CompressionMode.Decompress));
        (await tar.GetNextEntryAsync())!.Name.Should().Be("secret_table.sql.000000");
        (await tar.GetNextEntryAsync())!.Name.Should().Be(BackupManifest.EntryName);

        var beside = Encoding.UTF8.GetString(_storage.Objects["p/job-20261125T040000Z.manifest.json"]);
        beside.Should().NotContain("secret_table").And.NotContain(Sha1(dump)).And.NotContain("\"yes\"")
            .And.Contain(_key.Recipient.ToString()).And.Contain(_newKey.Recipient.ToString()).And.Contain(outcome.Archive.Sha1);
    }

    [Fact]
    public async Task The_inventory_is_sealed_with_the_manifest_and_comes_back_with_the_key()
    {
        // A row count no size, checksum or base64 run in the manifest happens to contain (1234 did: the archive's size, at times).
        var inventory = new ContentInventory([new InventoryItem("secret_schema", "table", "secret_orders", 918_273_645)]);
        await RunAsync(PipelineMode.Archive, inventory, ("dump.sql", TestData.Dump(1000)));
        var backup = await FindAsync();

        Encoding.UTF8.GetString(_storage.Objects["p/job-20261125T040000Z.manifest.json"]).Should().NotContain("secret_").And.NotContain("918273645");
        var beside = await BackupManifest.ReadAsync(new MemoryStream(_storage.Objects["p/job-20261125T040000Z.manifest.json"]), CancellationToken.None);
        (await beside!.UnsealAsync([_key], CancellationToken.None)).Inventory!.Items.Should().Equal(inventory.Items);
        (await ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None, [_key])).Manifest.Inventory!.Items.Should().Equal(inventory.Items);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Either_key_verifies_the_contents_and_a_stranger_s_key_fails_with_one_line(bool archiveMode)
    {
        var mode = archiveMode ? PipelineMode.Archive : PipelineMode.Streaming;
        var dump = TestData.Dump(1 << 20);
        await RunAsync(mode, ("dump.sql", dump));
        var backup = await FindAsync();
        using var stranger = AgeIdentity.Generate().Identity;

        (await ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None, [_key])).Manifest.Entries.Should().Equal(new EntryInfo("dump.sql", dump.Length, Sha1(dump)) { Chunks = archiveMode ? 1 : null });
        (await ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None, [_newKey])).Manifest.SourceMetadata.Should().ContainKey("fake");
        var wrong = () => ArchiveVerifier.VerifyAsync(_storage, backup, null, null, CancellationToken.None, [stranger]);

        (await wrong.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain("cannot be decrypted").And.Contain("wrong key").And.NotContain("\n");
    }

    [Fact]
    public async Task Streaming_mode_stores_a_sql_gz_age_and_its_stored_bytes_verify_without_a_key()
    {
        var dump = TestData.Dump(2 << 20);
        await RunAsync(PipelineMode.Streaming, ("dump.sql", dump));
        var backup = await FindAsync();

        backup.ArchiveKey.Should().Be("p/job-20261125T040000Z.sql.gz.age");
        var stored = await ArchiveVerifier.VerifyStoredBytesAsync(_storage, backup, CancellationToken.None);

        stored.Size.Should().Be(_storage.Objects[backup.ArchiveKey!].Length);
        var gz = await AgeStreamSpecs.DecryptAsync(_storage.Objects[backup.ArchiveKey!], [_key]);
        var plain = new MemoryStream();
        await new GZipStream(new MemoryStream(gz), CompressionMode.Decompress).CopyToAsync(plain);
        plain.ToArray().Should().Equal(dump);
    }

    [Fact]
    public async Task Ciphertext_altered_with_a_matching_sha1_is_damage_and_nothing_is_extracted_as_good()
    {
        await RunAsync(PipelineMode.Archive, ("dump.sql", TestData.Dump(1 << 20)));
        var backup = await FindAsync();
        var stored = _storage.Objects[backup.ArchiveKey!];
        stored[stored.Length / 2] ^= 0x40;
        // Whoever could rewrite the object could rewrite its .sha1 too: only the authentication can tell.
        _storage.Objects[backup.ChecksumKey!] = Encoding.ASCII.GetBytes($"{Sha1(stored)}  x\n");

        var act = () => ArchiveVerifier.VerifyAsync(_storage, backup, Stream.Null, null, CancellationToken.None, [_key]);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .Contain("matches its .sha1 but the archive is damaged").And.Contain("fails authentication");
    }

    [Fact]
    public async Task An_encrypted_backup_altered_in_store_fails_the_key_less_check()
    {
        await RunAsync(PipelineMode.Streaming, ("dump.sql", TestData.Dump(100_000)));
        var backup = await FindAsync();
        _storage.Objects[backup.ArchiveKey!][500] ^= 1;

        var act = () => ArchiveVerifier.VerifyStoredBytesAsync(_storage, backup, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain("corrupted or truncated");
    }

    private async Task<StoredBackup> FindAsync() =>
        await new BackupInventory(_storage, new ArtifactSpec("p", "{job}-{timestamp}"), "job").FindAsync(null, CancellationToken.None);

    private Task<BackupOutcome> RunAsync(PipelineMode mode, params (string Name, byte[] Content)[] entries) => RunAsync(mode, null, entries);

    private Task<BackupOutcome> RunAsync(PipelineMode mode, ContentInventory? inventory, params (string Name, byte[] Content)[] entries)
    {
        var settings = PluginSettings.Empty("settings", "job.yaml:1:1");
        var spec = new JobSpec(
            "job",
            new PluginSpec("source", "fake", "job.yaml:2:3", settings),
            new PluginSpec("storage", "memory", "job.yaml:4:3", settings),
            new ArtifactSpec("p", "{job}-{timestamp}"),
            _temp.Path,
            "job.yaml",
            Pipeline: new PipelineSpec(mode, CompressionKind.Gzip, 4, 2, 1),
            Encryption: new EncryptionSpec([_key.Recipient, _newKey.Recipient], null));
        var source = ScriptedSource.Writing(inventory, entries);
        var runner = new BackupRunner(new CapturingLoggerFactory(), new FixedClock(Start));
        return runner.RunAsync(new BackupJob(spec, source, _storage), CancellationToken.None);
    }

    private static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));
}
