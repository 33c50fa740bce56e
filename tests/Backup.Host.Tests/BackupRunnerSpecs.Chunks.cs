using System.Text;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Spec;
using Backup.Host.Stored;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>The default archive layout: entries cut into chunks that are uploaded while the source writes, the manifest last.</summary>
public sealed partial class BackupRunnerSpecs
{
    private const int MiB = 1 << 20;

    [Fact]
    public async Task Archive_mode_cuts_each_entry_into_chunks_uploads_them_while_the_source_writes_and_puts_the_manifest_last()
    {
        var dump = TestData.Dump((5 * MiB) / 2);
        var storage = new MemoryStorage();
        var chunkFilesSeen = new List<int>();
        var source = new ScriptedSource(async (context, ct) =>
        {
            await context.Writer.WriteEntryAsync(
                "dump.sql",
                async (stream, c) =>
                {
                    for (var at = 0; at < dump.Length; at += 64 << 10)
                    {
                        await stream.WriteAsync(dump.AsMemory(at, Math.Min(64 << 10, dump.Length - at)), c);
                        chunkFilesSeen.Add(Directory.EnumerateFiles(_temp.Path, "chunk-*", SearchOption.AllDirectories).Count());
                    }
                },
                ct);
            await context.Writer.WriteEntryAsync("users.sql", (stream, c) => stream.WriteAsync("u"u8.ToArray(), c).AsTask(), ct);
        });

        var outcome = await RunAsync(source, storage, Pipeline(PipelineMode.Archive) with { ArchiveChunkMiB = 1 });

        storage.Uploads.Select(u => u.Key).Should().Equal(
            "p/job-20261125T040000Z.tar.gz", "p/job-20261125T040000Z.manifest.json", "p/job-20261125T040000Z.tar.gz.sha1");
        var bytes = storage.Objects[outcome.ArchiveKey];
        outcome.Archive.Should().Be(new ArchiveInfo("job-20261125T040000Z.tar.gz", bytes.Length, Sha1(bytes)));
        Encoding.ASCII.GetString(storage.Objects["p/job-20261125T040000Z.tar.gz.sha1"]).Should().Be($"{Sha1(bytes)}  job-20261125T040000Z.tar.gz\n");

        var entries = await ReadTarAsync(bytes);
        entries.Keys.Should().Equal("dump.sql.000000", "dump.sql.000001", "dump.sql.000002", "users.sql.000000", "manifest.json");
        entries.Where(e => e.Key.StartsWith("dump.sql.", StringComparison.Ordinal)).SelectMany(e => e.Value).Should().Equal(dump);
        entries.Values.Select(v => v.Length).Should().StartWith([MiB, MiB, MiB / 2, 1]);
        var inside = (await BackupManifest.ReadAsync(new MemoryStream(entries["manifest.json"]), CancellationToken.None))!;
        inside.Entries.Should().Equal(
            new EntryInfo("dump.sql", dump.Length, Sha1(dump)) { Chunks = 3 },
            new EntryInfo("users.sql", 1, Sha1("u"u8.ToArray())) { Chunks = 1 });
        var beside = (await BackupManifest.ReadAsync(new MemoryStream(storage.Objects["p/job-20261125T040000Z.manifest.json"]), CancellationToken.None))!;
        beside.Archive.Should().Be(outcome.Archive);
        beside.Entries.Should().Equal(inside.Entries);
        chunkFilesSeen.Should().NotBeEmpty().And.OnlyContain(count => count <= 2, "one chunk file is filled while the other is uploaded");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public async Task A_backup_in_either_layout_verifies_and_its_entries_come_back_whole(int chunkMiB)
    {
        var dump = TestData.Dump(5 * MiB / 2);
        var storage = new MemoryStorage();
        var outcome = await RunAsync(ScriptedSource.Writing(("dump.sql", dump), ("users.sql", [])), storage, Pipeline(PipelineMode.Archive) with { ArchiveChunkMiB = chunkMiB });
        var backup = new StoredBackup(
            outcome.BackupId, Start, ArchiveFormat.TarGz, outcome.ArchiveKey, outcome.Archive.Size, $"p/{outcome.BackupId}.manifest.json", outcome.ArchiveKey + ".sha1", [.. storage.Objects.Keys]);
        var target = Directory.CreateDirectory(Path.Combine(_temp.Path, "out")).FullName;

        var verified = await ArchiveVerifier.VerifyAsync(storage, backup, null, name => File.Create(Path.Combine(target, name)), CancellationToken.None);

        verified.Archive.Should().Be(outcome.Archive);
        verified.Manifest.Entries.Select(e => e.Chunks).Should().Equal(chunkMiB == 0 ? [null, null] : [3, 1]);
        File.ReadAllBytes(Path.Combine(target, "dump.sql")).Should().Equal(dump);
        File.ReadAllBytes(Path.Combine(target, "users.sql")).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0, new int[] { 0 })]
    [InlineData(1, new[] { 1 })]
    [InlineData(MiB - 1, new[] { MiB - 1 })]
    [InlineData(MiB, new[] { MiB })]
    [InlineData(MiB + 1, new[] { MiB, 1 })]
    [InlineData(2 * MiB, new[] { MiB, MiB })]
    public async Task An_entry_is_cut_at_every_full_chunk_and_never_gets_an_empty_last_chunk_unless_it_is_empty(int size, int[] chunkSizes)
    {
        var dump = TestData.Dump(size);
        var storage = new MemoryStorage();

        var outcome = await RunAsync(ScriptedSource.Writing(("dump.sql", dump)), storage, Pipeline(PipelineMode.Archive) with { ArchiveChunkMiB = 1 });

        var entries = await ReadTarAsync(storage.Objects[outcome.ArchiveKey]);
        entries.Keys.Should().Equal([.. chunkSizes.Select((_, i) => EntryChunks.NameOf("dump.sql", i)), "manifest.json"]);
        entries.Values.SkipLast(1).Select(v => v.Length).Should().Equal(chunkSizes);
        entries.Values.SkipLast(1).SelectMany(v => v).Should().Equal(dump);
        var manifest = (await BackupManifest.ReadAsync(new MemoryStream(entries["manifest.json"]), CancellationToken.None))!;
        manifest.Entries.Should().Equal(new EntryInfo("dump.sql", size, Sha1(dump)) { Chunks = chunkSizes.Length });
    }

    [Fact]
    public async Task A_source_failing_in_the_middle_of_a_chunk_after_chunks_were_uploaded_stores_nothing()
    {
        var storage = new MemoryStorage();
        var source = new ScriptedSource(async (context, ct) =>
        {
            await context.Writer.WriteEntryAsync(
                "dump.sql",
                async (stream, c) =>
                {
                    await stream.WriteAsync(TestData.Dump(5 * MiB / 2), c);
                    throw new BackupSourceException("dump from db:3306 is truncated (no '-- Dump completed' trailer)");
                },
                ct);
        });

        var act = () => RunAsync(source, storage, Pipeline(PipelineMode.Archive) with { ArchiveChunkMiB = 1 });

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().Contain("truncated");
        storage.Objects.Should().BeEmpty();
        storage.Uploads.Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(_temp.Path).Should().BeEmpty("the run's temp workspace is removed on failure too");
    }

    [Fact]
    public async Task An_entry_written_again_after_it_failed_with_chunks_uploaded_restarts_the_upload_and_stores_only_the_new_attempt()
    {
        // As the mariadb-ha source does when a node dies mid-dump: it dumps again from the next node.
        var storage = new MemoryStorage();
        var second = TestData.Dump(3 * MiB / 2, seed: 2);
        var source = new ScriptedSource(async (context, ct) =>
        {
            var failed = () => context.Writer.WriteEntryAsync(
                "dump.sql",
                async (stream, c) =>
                {
                    await stream.WriteAsync(TestData.Dump(5 * MiB / 2), c);
                    throw new IOException("node db-0 went away");
                },
                ct);
            await failed.Should().ThrowAsync<IOException>();
            await context.Writer.WriteEntryAsync("dump.sql", (stream, c) => stream.WriteAsync(second, c).AsTask(), ct);
        });
        var logs = new CapturingLoggerFactory();

        var outcome = await RunAsync(source, storage, Pipeline(PipelineMode.Archive) with { ArchiveChunkMiB = 1 }, logs: logs);

        storage.Objects.Keys.Should().BeEquivalentTo(outcome.ArchiveKey, "p/job-20261125T040000Z.manifest.json", "p/job-20261125T040000Z.tar.gz.sha1");
        var entries = await ReadTarAsync(storage.Objects[outcome.ArchiveKey]);
        entries.Keys.Should().Equal("dump.sql.000000", "dump.sql.000001", "manifest.json");
        entries.Values.SkipLast(1).SelectMany(v => v).Should().Equal(second);
        logs.Messages.Should().Contain(m => m.StartsWith("Entry dump.sql failed after some of its chunks were uploaded; abandoning that upload", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_entry_failing_with_chunks_uploaded_after_a_finished_entry_fails_the_run_and_stores_nothing()
    {
        var storage = new MemoryStorage();
        var source = new ScriptedSource(async (context, ct) =>
        {
            await context.Writer.WriteEntryAsync("users.sql", (stream, c) => stream.WriteAsync("u"u8.ToArray(), c).AsTask(), ct);
            try
            {
                await context.Writer.WriteEntryAsync(
                    "dump.sql",
                    async (stream, c) =>
                    {
                        await stream.WriteAsync(TestData.Dump(3 * MiB / 2), c);
                        throw new IOException("node db-0 went away");
                    },
                    ct);
            }
            catch (IOException)
            {
                // A source that carries on without the entry: the chunks already uploaded cannot be taken back.
            }
        });

        var act = () => RunAsync(source, storage, Pipeline(PipelineMode.Archive) with { ArchiveChunkMiB = 1 });

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should()
            .Be("entry 'dump.sql' failed after some of its chunks were uploaded and the source did not write it again; nothing was stored (pipeline.archiveChunkMiB: 0 keeps whole entries on temp disk instead)");
        storage.Objects.Should().BeEmpty();
    }

    [Theory]
    [InlineData(false, ".tar.gz")]
    [InlineData(true, ".sql.gz")]
    public async Task A_failing_upload_while_the_source_writes_stops_the_source_and_is_reported_as_a_storage_failure(bool streaming, string suffix)
    {
        var storage = new BreakingStorage();
        var written = 0L;
        var source = new ScriptedSource((context, ct) => context.Writer.WriteEntryAsync(
            "dump.sql",
            async (stream, c) =>
            {
                // Far more than the upload takes before it fails: the source must be stopped, not run to its end.
                for (var i = 0; i < 400; i++)
                {
                    await stream.WriteAsync(TestData.Dump(MiB / 4), c);
                    written += MiB / 4;
                }
            },
            ct));

        var act = () => RunAsync(source, storage, Pipeline(streaming ? PipelineMode.Streaming : PipelineMode.Archive) with { ArchiveChunkMiB = 1 });

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().Be($"breaking: connection reset while uploading p/job-20261125T040000Z{suffix}");
        written.Should().BeLessThan(100L * MiB);
    }

    /// <summary>A storage whose upload breaks after reading 1 MiB, as a connection reset in the middle of an object.</summary>
    private sealed class BreakingStorage : IBackupStorage
    {
        public string Location => "breaking:";

        public async Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
        {
            await content.ReadExactlyAsync(new byte[MiB], cancellationToken);
            throw new BackupStorageException($"breaking: connection reset while uploading {key}");
        }
    }
}
