using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Stored;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>Chunked archives (the manifest last, entries as <c>name.000000</c>, ...) and the layout before chunks, read by the same verifier.</summary>
public sealed partial class ArchiveVerifierSpecs
{
    private static readonly byte[] FirstChunk = Encoding.ASCII.GetBytes("CREATE TABLE t (id INT);\n");
    private static readonly byte[] SecondChunk = Encoding.ASCII.GetBytes("INSERT INTO t VALUES (1);\n");

    [Fact]
    public async Task A_chunked_archive_verifies_and_each_entry_is_extracted_as_one_file_of_its_chunks_joined()
    {
        await StoreAsync(await ForgeChunkedAsync([("a.sql.000000", FirstChunk), ("a.sql.000001", SecondChunk), ("users.sql.000000", [])], ("a.sql", 2), ("users.sql", 1)));
        var target = Directory.CreateDirectory(_dir.Combine("out")).FullName;

        var verified = await ArchiveVerifier.VerifyAsync(_storage, Backup, null, FilesIn(target), CancellationToken.None);

        verified.Manifest.Entries.Select(e => (e.Name, e.Chunks)).Should().Equal(("a.sql", 2), ("users.sql", 1));
        Directory.EnumerateFiles(target).Select(Path.GetFileName).Should().BeEquivalentTo("a.sql", "users.sql");
        File.ReadAllBytes(Path.Combine(target, "a.sql")).Should().Equal([.. FirstChunk, .. SecondChunk]);
        File.ReadAllBytes(Path.Combine(target, "users.sql")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_backup_made_before_chunks_existed_still_verifies_and_extracts()
    {
        // Made by the host at main 8faee2f (whole entries, manifest first) with the fake source: 2 entries of 3000 bytes.
        const string id = "compat-20261130T034526Z";
        var fixture = Path.Combine(RepositoryPaths.Root, "tests", "Backup.Host.Tests", "Fixtures", "single-entry-layout");
        foreach (var file in Directory.EnumerateFiles(fixture))
        {
            _storage.Objects["p/" + Path.GetFileName(file)] = await File.ReadAllBytesAsync(file);
        }

        var backup = new StoredBackup(id, DateTimeOffset.UnixEpoch, ArchiveFormat.TarGz, $"p/{id}.tar.gz", 6756, $"p/{id}.manifest.json", $"p/{id}.tar.gz.sha1", []);
        var target = Directory.CreateDirectory(_dir.Combine("out")).FullName;

        var verified = await ArchiveVerifier.VerifyAsync(_storage, backup, null, FilesIn(target), CancellationToken.None);

        verified.Archive.Sha1.Should().Be("66ef5e9d5eaa640456f0fc4b441ddaaea04c2275");
        verified.Manifest.Entries.Should().Equal(
            new EntryInfo("entry-0.bin", 3000, "b98cfa142e8a09337e1ec4b9e39988d2a5aadb4f"),
            new EntryInfo("entry-1.bin", 3000, "46c261dfd808830aa9578cfe6716cfb637ce7849"));
        Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(Path.Combine(target, "entry-1.bin")))).Should().Be("46c261dfd808830aa9578cfe6716cfb637ce7849");
    }

    [Theory]
    [InlineData("missing chunk", "entry 'a.sql' is 25 bytes with SHA-1")]
    [InlineData("chunks out of order", "entry 'a.sql.000001' is not the first chunk of an entry")]
    [InlineData("whole entry among chunks", "entry 'b.sql' is not the first chunk of an entry")]
    [InlineData("entry after the manifest", "entry 'b.sql' follows manifest.json, which a chunked archive has last")]
    [InlineData("chunk count", "entry 'a.sql' is in 2 chunks, the manifest says 3 chunks")]
    public async Task A_chunked_archive_whose_chunks_disagree_with_its_manifest_is_damage(string forgery, string problem)
    {
        (string Name, byte[] Content)[] chunks = [("a.sql.000000", FirstChunk), ("a.sql.000001", SecondChunk)];
        var manifest = (BackupManifest.EntryName, ChunkedManifest(chunks, ("a.sql", forgery == "chunk count" ? 3 : 2)).ToJsonBytes());
        (string, byte[])[] members = forgery switch
        {
            "missing chunk" => [chunks[0], manifest],
            "chunks out of order" => [chunks[1], chunks[0], manifest],
            "whole entry among chunks" => [.. chunks, ("b.sql", FirstChunk), manifest],
            "entry after the manifest" => [.. chunks, manifest, ("b.sql.000000", FirstChunk)],
            _ => [.. chunks, manifest],
        };
        var archive = await ForgeMembersAsync(members);
        await StoreAsync(archive);

        var act = () => ArchiveVerifier.VerifyAsync(_storage, Backup, null, null, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should()
            .StartWith($"backup {Id} matches its .sha1 but the archive is damaged: {problem}");
    }

    /// <summary>A chunked archive of <paramref name="chunks"/> with the manifest last, listing <paramref name="entries"/> as the chunks joined in order.</summary>
    private static Task<byte[]> ForgeChunkedAsync((string Name, byte[] Content)[] chunks, params (string Name, int Chunks)[] entries) =>
        ForgeMembersAsync([.. chunks, (BackupManifest.EntryName, ChunkedManifest(chunks, entries).ToJsonBytes())]);

    private static BackupManifest ChunkedManifest((string Name, byte[] Content)[] chunks, params (string Name, int Chunks)[] entries) =>
        new(1, "job", Id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "fake", new Dictionary<string, string>(),
            [.. entries.Select(e =>
            {
                var content = chunks.Where(c => EntryChunks.TryParse(c.Name, out var name, out _) && name == e.Name).OrderBy(c => c.Name, StringComparer.Ordinal).SelectMany(c => c.Content).ToArray();
                return new EntryInfo(e.Name, content.Length, Convert.ToHexStringLower(SHA1.HashData(content))) { Chunks = e.Chunks };
            })],
            "test",
            null);
}
