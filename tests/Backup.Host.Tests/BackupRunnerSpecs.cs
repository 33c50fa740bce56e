using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Spec;
using Backup.Host.Tests.Support;
using Backup.Testing;
using ZstdNet;

namespace Backup.Host.Tests;

public sealed partial class BackupRunnerSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 4, 0, 0, TimeSpan.Zero);
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Archive_mode_with_whole_entries_streams_a_tar_gz_then_the_manifest_then_the_sha1_of_the_uploaded_bytes()
    {
        var dump = TestData.Dump(3 << 20);
        var storage = new MemoryStorage();

        var outcome = await RunAsync(ScriptedSource.Writing(("dump.sql", dump), ("users.sql", "u"u8.ToArray())), storage, Pipeline(PipelineMode.Archive) with { ArchiveChunkMiB = 0 });

        storage.Uploads.Select(u => u.Key).Should().Equal(
            "p/job-20261125T040000Z.tar.gz", "p/job-20261125T040000Z.manifest.json", "p/job-20261125T040000Z.tar.gz.sha1");
        var archive = storage.Uploads[0];
        archive.Options.Length.Should().BeNull("the archive is uploaded while it is compressed");
        archive.CanSeek.Should().BeFalse();
        var bytes = storage.Objects[outcome.ArchiveKey];
        outcome.Archive.Should().Be(new ArchiveInfo("job-20261125T040000Z.tar.gz", bytes.Length, Sha1(bytes)));
        Encoding.ASCII.GetString(storage.Objects["p/job-20261125T040000Z.tar.gz.sha1"]).Should().Be($"{Sha1(bytes)}  job-20261125T040000Z.tar.gz\n");

        var entries = await ReadTarAsync(bytes);
        entries.Keys.Should().Equal("manifest.json", "dump.sql", "users.sql");
        entries["dump.sql"].Should().Equal(dump);
        var manifest = (await BackupManifest.ReadAsync(new MemoryStream(storage.Objects["p/job-20261125T040000Z.manifest.json"]), CancellationToken.None))!;
        manifest.Archive.Should().Be(outcome.Archive);
        manifest.Entries.Select(e => (e.Name, e.Size, e.Sha1)).Should().Equal(("dump.sql", dump.Length, Sha1(dump)), ("users.sql", 1L, Sha1("u"u8.ToArray())));
    }

    [Fact]
    public async Task The_sources_inventory_is_recorded_in_the_manifest_unless_it_would_make_the_manifest_unreadable()
    {
        var small = new ContentInventory([new InventoryItem("shop", "table", "orders", 2000), new InventoryItem("shop", "view", "v", null)]);
        var name = new string('n', 250);
        var huge = new ContentInventory([.. Enumerable.Range(0, ContentInventory.MaxItems).Select(i => new InventoryItem(name, "procedure", $"{name}{i}", long.MaxValue))]);
        var recorded = new MemoryStorage();
        var dropped = new MemoryStorage();

        await RunAsync(new ScriptedSource(Write) { Inventory = small }, recorded, Pipeline(PipelineMode.Archive));
        await RunAsync(new ScriptedSource(Write) { Inventory = huge }, dropped, Pipeline(PipelineMode.Archive));

        (await ManifestAsync(recorded)).Inventory!.Items.Should().Equal(small.Items);
        (await ManifestAsync(dropped)).Inventory.Should().BeNull("a manifest no reader accepts would make the backup unrestorable");

        static Task Write(BackupContext context, CancellationToken ct) =>
            context.Writer.WriteEntryAsync("dump.sql", (stream, c) => stream.WriteAsync(TestData.Dump(1000), c).AsTask(), ct);

        static async Task<BackupManifest> ManifestAsync(MemoryStorage storage) =>
            (await BackupManifest.ReadAsync(new MemoryStream(storage.Objects[storage.Objects.Keys.Last(k => k.EndsWith(".manifest.json", StringComparison.Ordinal))]), CancellationToken.None))!;
    }

    [Theory]
    [InlineData(true, "p/job-20261125T040000Z.img.gz")]
    [InlineData(false, "p/job-20261125T040000Z.tar.gz")]
    public async Task An_entry_the_source_declares_already_compressed_is_not_gzipped_again_and_one_it_does_not_is(bool streaming, string key)
    {
        // Zeros: gzip makes almost nothing of them, so the object's size tells whether it compressed.
        var content = new byte[2 << 20];
        var compressed = new MemoryStorage();
        var plain = new MemoryStorage();
        var pipeline = Pipeline(streaming ? PipelineMode.Streaming : PipelineMode.Archive);

        await RunAsync(ScriptedSource.Writing(("disk.img", content)), compressed, pipeline, shape: new BackupEntryShape("disk.img", "img", isCompressed: true));
        await RunAsync(ScriptedSource.Writing(("disk.img", content)), plain, pipeline, shape: new BackupEntryShape("disk.img", "img"));

        compressed.Objects[key].Length.Should().BeGreaterThan(content.Length, "the declared-compressed entry passes through in stored deflate blocks");
        plain.Objects[key].Length.Should().BeLessThan(content.Length / 100);
        compressed.Objects.Keys.Should().Equal(plain.Objects.Keys);
    }

    [Fact]
    public async Task An_entry_the_source_declares_already_compressed_goes_through_zstd_at_level_1_whatever_level_the_spec_sets()
    {
        var logs = new CapturingLoggerFactory();

        await RunAsync(ScriptedSource.Writing(("disk.img", new byte[1000])), new MemoryStorage(), Pipeline(PipelineMode.Streaming, CompressionKind.Zstd) with { Level = 19 },
            logs: logs, shape: new BackupEntryShape("disk.img", "img", isCompressed: true));

        logs.Messages.Should().ContainSingle(m => m.Contains("(Streaming, Zstd level 1 (the source's entries are already compressed),", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Streaming_mode_uploads_a_sql_gz_of_the_entry_without_writing_it_to_temp_disk()
    {
        var dump = TestData.Dump(5 << 20);
        var storage = new MemoryStorage();
        long filesOnTempDisk = -1;
        var source = new ScriptedSource(async (context, ct) =>
        {
            await context.Writer.WriteEntryAsync("dump.sql", (stream, c) => stream.WriteAsync(dump, c).AsTask(), ct);
            filesOnTempDisk = Directory.EnumerateFiles(_temp.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        });

        var outcome = await RunAsync(source, storage, Pipeline(PipelineMode.Streaming));

        filesOnTempDisk.Should().Be(0);
        storage.Uploads.Select(u => u.Key).Should().Equal(
            "p/job-20261125T040000Z.sql.gz", "p/job-20261125T040000Z.manifest.json", "p/job-20261125T040000Z.sql.gz.sha1");
        var bytes = storage.Objects[outcome.ArchiveKey];
        outcome.Archive.Sha1.Should().Be(Sha1(bytes));
        using var plain = new MemoryStream();
        await new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress).CopyToAsync(plain);
        plain.ToArray().Should().Equal(dump);
        var manifest = (await BackupManifest.ReadAsync(new MemoryStream(storage.Objects["p/job-20261125T040000Z.manifest.json"]), CancellationToken.None))!;
        manifest.Entries.Should().Equal(new EntryInfo("dump.sql", dump.Length, Sha1(dump)));
        manifest.Archive!.Name.Should().Be("job-20261125T040000Z.sql.gz");
    }

    [Fact]
    public async Task Streaming_mode_with_zstd_uploads_a_sql_zst()
    {
        var dump = TestData.Dump(2 << 20);
        var storage = new MemoryStorage();

        var outcome = await RunAsync(ScriptedSource.Writing(("dump.sql", dump)), storage, Pipeline(PipelineMode.Streaming, CompressionKind.Zstd));

        outcome.ArchiveKey.Should().Be("p/job-20261125T040000Z.sql.zst");
        storage.Objects.Keys.Should().Contain("p/job-20261125T040000Z.sql.zst.sha1");
        using var plain = new MemoryStream();
        await new DecompressionStream(new MemoryStream(storage.Objects[outcome.ArchiveKey])).CopyToAsync(plain);
        plain.ToArray().Should().Equal(dump);
    }

    [Fact]
    public async Task A_second_entry_in_streaming_mode_fails_in_one_line_and_stores_nothing()
    {
        var storage = new MemoryStorage();

        var act = () => RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(1000)), ("users.sql", TestData.Dump(10))), storage, Pipeline(PipelineMode.Streaming));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should()
            .Be("source 'fake' wrote a second entry 'users.sql' after 'dump.sql', but pipeline.mode streaming stores exactly one; use pipeline.mode archive for this source");
        storage.Objects.Should().BeEmpty();
    }

    [Fact]
    public async Task A_source_failing_after_streaming_data_is_reported_as_a_source_failure_and_stores_nothing()
    {
        var storage = new MemoryStorage();
        var source = new ScriptedSource(async (context, ct) =>
        {
            await context.Writer.WriteEntryAsync("dump.sql", (stream, c) => stream.WriteAsync(TestData.Dump(20 << 20), c).AsTask(), ct);
            throw new BackupSourceException("dump from db:3306 is truncated (no '-- Dump completed' trailer)");
        });

        var act = () => RunAsync(source, storage, Pipeline(PipelineMode.Streaming));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().Contain("truncated");
        storage.Objects.Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_checksum_upload_removes_the_archive_and_manifest_already_stored(bool streaming)
    {
        var storage = new MemoryStorage { FailKeysEndingWith = ".sha1" };

        var act = () => RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(1 << 20))), storage, Pipeline(streaming ? PipelineMode.Streaming : PipelineMode.Archive));

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().Contain("refused");
        storage.Uploads.Should().HaveCount(2);
        storage.Objects.Should().BeEmpty();
    }

    [Fact]
    public async Task A_failing_archive_upload_stops_the_compression_and_is_reported_as_a_storage_failure()
    {
        var storage = new MemoryStorage { FailKeysEndingWith = ".tar.gz" };

        var act = () => RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(4 << 20))), storage, Pipeline(PipelineMode.Archive));

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().Be("memory: refused p/job-20261125T040000Z.tar.gz");
        storage.Objects.Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(_temp.Path).Should().BeEmpty("the run's temp workspace is removed on failure too");
    }

    [Fact]
    public async Task A_cancelled_streaming_run_stores_nothing()
    {
        using var cancellation = new CancellationTokenSource();
        var storage = new MemoryStorage();
        var source = new ScriptedSource((context, ct) => context.Writer.WriteEntryAsync(
            "dump.sql",
            async (stream, c) =>
            {
                await stream.WriteAsync(TestData.Dump(9 << 20), c);
                await cancellation.CancelAsync();
                await stream.WriteAsync(TestData.Dump(1 << 20), c);
            },
            ct));

        var act = () => RunAsync(source, storage, Pipeline(PipelineMode.Streaming), cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        storage.Objects.Should().BeEmpty();
    }

    [Fact]
    public async Task Two_runs_started_in_the_same_second_get_different_ids_by_the_default_name()
    {
        var storage = new MemoryStorage();

        var first = await RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(1000))), storage, Pipeline(PipelineMode.Archive), template: ArtifactSpec.DefaultNameTemplate);
        var second = await RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(1000))), storage, Pipeline(PipelineMode.Archive), template: ArtifactSpec.DefaultNameTemplate);

        first.BackupId.Should().MatchRegex("^job-20261125T040000Z-[0-9a-f]{6}$");
        second.BackupId.Should().MatchRegex("^job-20261125T040000Z-[0-9a-f]{6}$").And.NotBe(first.BackupId);
        storage.Objects.Should().HaveCount(6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_run_whose_archive_key_is_taken_fails_naming_it_and_leaves_that_object_as_it_was(bool streaming)
    {
        var storage = new MemoryStorage();
        var suffix = streaming ? ".sql.gz" : ".tar.gz";
        storage.Objects[$"p/job-20261125T040000Z{suffix}"] = [1, 2, 3];

        var act = () => RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(4 << 20))), storage, Pipeline(streaming ? PipelineMode.Streaming : PipelineMode.Archive));

        (await act.Should().ThrowAsync<BackupObjectExistsException>()).Which.Message.Should()
            .Be($"memory:/p/job-20261125T040000Z{suffix} already exists; this run did not create it and left it as it is (another run with the same backup id?)");
        storage.Objects.Keys.Should().Equal($"p/job-20261125T040000Z{suffix}");
        storage.Objects.Values.Single().Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task A_run_whose_checksum_key_is_taken_removes_only_the_objects_it_created()
    {
        var storage = new MemoryStorage();
        storage.Objects["p/job-20261125T040000Z.tar.gz.sha1"] = [7];

        var act = () => RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(1000))), storage, Pipeline(PipelineMode.Archive));

        (await act.Should().ThrowAsync<BackupObjectExistsException>()).Which.Key.Should().Be("p/job-20261125T040000Z.tar.gz.sha1");
        storage.Uploads.Select(u => u.Key).Should().Equal("p/job-20261125T040000Z.tar.gz", "p/job-20261125T040000Z.manifest.json");
        storage.Objects.Keys.Should().Equal("p/job-20261125T040000Z.tar.gz.sha1");
        storage.Objects.Values.Single().Should().Equal(7);
    }

    [Fact]
    public async Task A_storage_built_against_contract_1_1_is_asked_whether_each_key_exists_before_it_is_uploaded()
    {
        var inner = new MemoryStorage();
        inner.Objects["p/job-20261125T040000Z.manifest.json"] = [7];

        var act = () => RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(1000))), new ContractOneOneStorage(inner), Pipeline(PipelineMode.Archive));

        (await act.Should().ThrowAsync<BackupObjectExistsException>()).Which.Key.Should().Be("p/job-20261125T040000Z.manifest.json");
        inner.Objects.Keys.Should().Equal("p/job-20261125T040000Z.manifest.json");
        inner.Objects.Values.Single().Should().Equal(7);
    }

    [Theory]
    [InlineData(-30, true)]
    [InlineData(90, true)]
    [InlineData(4, false)]
    public async Task A_store_clock_off_by_more_than_the_tolerance_is_warned_about_once(int storeMinutesAhead, bool warned)
    {
        var storage = new MemoryStorage { StampAt = Start.AddMinutes(storeMinutesAhead) };
        var logs = new CapturingLoggerFactory();

        await RunAsync(ScriptedSource.Writing(("dump.sql", TestData.Dump(1000))), storage, Pipeline(PipelineMode.Archive), logs: logs);

        var warnings = logs.Messages.Where(m => m.StartsWith("This host's clock is", StringComparison.Ordinal)).ToList();
        if (warned)
        {
            var direction = storeMinutesAhead > 0 ? "behind" : "ahead of";
            warnings.Should().ContainSingle().Which.Should().StartWith($"This host's clock is {TimeSpan.FromMinutes(Math.Abs(storeMinutesAhead)):c} {direction} the storage's");
        }
        else
        {
            warnings.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task A_source_claiming_an_increment_on_a_backup_it_was_not_offered_fails_the_run_and_nothing_complete_is_stored()
    {
        var storage = new MemoryStorage();
        var source = new ScriptedSource(async (context, ct) =>
        {
            context.Previous.Should().BeNull("the spec asks for no increments");
            await context.Writer.WriteEntryAsync("a.sql", (stream, c) => stream.WriteAsync(new byte[] { 1 }, c).AsTask(), ct);
        }) { BasedOn = "nightly-20260101T000000Z-abcdef" };

        var act = () => RunAsync(source, storage, Pipeline(PipelineMode.Streaming));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().Contain("an increment on 'nightly-20260101T000000Z-abcdef', but no base was offered");
        storage.Objects.Keys.Should().NotContain(k => k.EndsWith(".sha1", StringComparison.Ordinal));
    }

    private static PipelineSpec Pipeline(PipelineMode mode, CompressionKind kind = CompressionKind.Gzip) =>
        new(mode, kind, PipelineSpec.DefaultLevel(kind), 2, 1);

    // The pipeline specs name backups by the template without {unique}, so their keys are known in advance.
    private Task<BackupOutcome> RunAsync(
        IBackupSource source, IBackupStorage storage, PipelineSpec pipeline, CancellationToken cancellationToken = default, string template = "{job}-{timestamp}", CapturingLoggerFactory? logs = null,
        BackupEntryShape? shape = null)
    {
        var settings = PluginSettings.Empty("settings", "job.yaml:1:1");
        var spec = new JobSpec(
            "job",
            new PluginSpec("source", "fake", "job.yaml:2:3", settings),
            new PluginSpec("storage", "memory", "job.yaml:4:3", settings),
            new ArtifactSpec("p", template),
            _temp.Path,
            "job.yaml",
            Pipeline: pipeline);
        var runner = new BackupRunner(logs ?? new CapturingLoggerFactory(), new FixedClock(Start));
        return runner.RunAsync(new BackupJob(spec, source, storage) { EntryShape = shape }, cancellationToken);
    }

    private static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));

    private static async Task<Dictionary<string, byte[]>> ReadTarAsync(byte[] tarGz)
    {
        var entries = new Dictionary<string, byte[]>();
        await using var tar = new TarReader(new GZipStream(new MemoryStream(tarGz), CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            using var content = new MemoryStream();
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(content);
            }

            entries[entry.Name] = content.ToArray();
        }

        return entries;
    }
}
