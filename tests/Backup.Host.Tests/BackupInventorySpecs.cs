using Backup.Abstractions;
using Backup.Host.Spec;
using Backup.Host.Stored;
using Backup.Host.Tests.Support;

namespace Backup.Host.Tests;

public sealed class BackupInventorySpecs
{
    private readonly MemoryStorage _storage = new();

    private BackupInventory Inventory(string prefix = "db", string template = ArtifactSpec.DefaultNameTemplate, TimeProvider? clock = null) =>
        new(_storage, new ArtifactSpec(prefix, template), "nightly", clock);

    private void Put(params string[] keys)
    {
        foreach (var key in keys)
        {
            _storage.Objects[key] = [1];
        }
    }

    [Fact]
    public async Task Objects_are_grouped_per_backup_newest_first_and_foreign_names_are_left_out()
    {
        Put("db/nightly-20260101T000000Z.tar.gz", "db/nightly-20260101T000000Z.manifest.json", "db/nightly-20260101T000000Z.tar.gz.sha1",
            "db/nightly-20260102T000000Z.tar.gz", "db/nightly-20260102T000000Z.manifest.json",
            "db/weekly-20260103T000000Z.tar.gz", "db/nightly-20260103T000000Z.zip", "db/deeper/nightly-20260104T000000Z.tar.gz",
            "dbx/nightly-20260105T000000Z.tar.gz", "db/README");

        var backups = await Inventory().ListAsync(CancellationToken.None);

        backups.Select(b => (b.Id, b.IsComplete)).Should().Equal(("nightly-20260102T000000Z", false), ("nightly-20260101T000000Z", true));
        backups[1].KeysInDeletionOrder.Should().Equal(
            "db/nightly-20260101T000000Z.tar.gz.sha1", "db/nightly-20260101T000000Z.tar.gz", "db/nightly-20260101T000000Z.manifest.json");
    }

    [Fact]
    public async Task Streaming_backups_are_recognised_in_every_format_and_retention_would_delete_all_their_objects()
    {
        Put("db/nightly-20260101T000000Z.sql.gz", "db/nightly-20260101T000000Z.manifest.json", "db/nightly-20260101T000000Z.sql.gz.sha1",
            "db/nightly-20260102T000000Z.sql.zst", "db/nightly-20260102T000000Z.manifest.json", "db/nightly-20260102T000000Z.sql.zst.sha1",
            "db/nightly-20260103T000000Z.sql.zst", "db/nightly-20260103T000000Z.sql.bz2", "db/nightly-20260104T000000Z.sql.gz.md5");

        var backups = await Inventory().ListAsync(CancellationToken.None);

        backups.Select(b => (b.Id, b.Format?.Suffix, b.IsComplete)).Should().Equal(
            ("nightly-20260103T000000Z", ".sql.zst", false), ("nightly-20260102T000000Z", ".sql.zst", true), ("nightly-20260101T000000Z", ".sql.gz", true));
        backups[1].ArchiveKey.Should().Be("db/nightly-20260102T000000Z.sql.zst");
        backups[2].KeysInDeletionOrder.Should().Equal(
            "db/nightly-20260101T000000Z.sql.gz.sha1", "db/nightly-20260101T000000Z.sql.gz", "db/nightly-20260101T000000Z.manifest.json");
    }

    [Fact]
    public async Task A_job_whose_source_declares_an_extension_finds_streaming_objects_of_it_beside_older_sql_and_tar_backups()
    {
        Put("db/nightly-20260101T000000Z.sql.gz", "db/nightly-20260101T000000Z.sql.gz.sha1",
            "db/nightly-20260102T000000Z.tar.gz", "db/nightly-20260102T000000Z.tar.gz.sha1",
            "db/nightly-20260103T000000Z.mbstream.zst", "db/nightly-20260103T000000Z.mbstream.zst.sha1", "db/nightly-20260103T000000Z.manifest.json",
            "db/nightly-20260104T000000Z.mbstream.gz.age", "db/nightly-20260104T000000Z.mbstream.gz.age.sha1");

        var shaped = await new BackupInventory(_storage, new ArtifactSpec("db", ArtifactSpec.DefaultNameTemplate), "nightly", streamExtension: "mbstream").ListAsync(CancellationToken.None);
        var unshaped = await Inventory().ListAsync(CancellationToken.None);

        shaped.Select(b => (b.Id, b.Format?.Suffix, b.IsComplete)).Should().Equal(
            ("nightly-20260104T000000Z", ".mbstream.gz.age", true), ("nightly-20260103T000000Z", ".mbstream.zst", true),
            ("nightly-20260102T000000Z", ".tar.gz", true), ("nightly-20260101T000000Z", ".sql.gz", true));
        shaped[1].KeysInDeletionOrder.Should().Equal(
            "db/nightly-20260103T000000Z.mbstream.zst.sha1", "db/nightly-20260103T000000Z.mbstream.zst", "db/nightly-20260103T000000Z.manifest.json");
        unshaped.Select(b => (b.Id, b.IsComplete)).Should().Equal(
            ("nightly-20260103T000000Z", false), ("nightly-20260102T000000Z", true), ("nightly-20260101T000000Z", true));
    }

    [Fact]
    public async Task An_id_with_objects_of_two_formats_uses_the_complete_one_and_deletes_both()
    {
        Put("db/nightly-20260101T000000Z.tar.gz", "db/nightly-20260101T000000Z.sql.gz", "db/nightly-20260101T000000Z.sql.gz.sha1");

        var backup = (await Inventory().ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;

        backup.Format!.Suffix.Should().Be(".sql.gz");
        backup.IsComplete.Should().BeTrue();
        backup.KeysInDeletionOrder.Should().Equal("db/nightly-20260101T000000Z.sql.gz.sha1", "db/nightly-20260101T000000Z.sql.gz", "db/nightly-20260101T000000Z.tar.gz");
    }

    [Fact]
    public async Task An_empty_prefix_lists_only_top_level_objects()
    {
        Put("nightly-20260101T000000Z.tar.gz", "nightly-20260101T000000Z.tar.gz.sha1", "db/nightly-20260102T000000Z.tar.gz");

        (await Inventory(prefix: "").ListAsync(CancellationToken.None)).Select(b => b.Id).Should().Equal("nightly-20260101T000000Z");
    }

    [Fact]
    public async Task Latest_is_the_newest_complete_backup()
    {
        Put("db/nightly-20260101T000000Z.tar.gz", "db/nightly-20260101T000000Z.tar.gz.sha1", "db/nightly-20260102T000000Z.tar.gz");

        (await Inventory().FindAsync(null, CancellationToken.None)).Id.Should().Be("nightly-20260101T000000Z");
    }

    [Fact]
    public async Task A_backup_dated_beyond_now_plus_the_tolerance_is_flagged_and_never_the_latest()
    {
        Put("db/nightly-20260101T000000Z.tar.gz", "db/nightly-20260101T000000Z.tar.gz.sha1",
            "db/nightly-20260101T120400Z-0a1b2c.tar.gz", "db/nightly-20260101T120400Z-0a1b2c.tar.gz.sha1",
            "db/nightly-20260101T120600Z-3d4e5f.tar.gz", "db/nightly-20260101T120600Z-3d4e5f.tar.gz.sha1",
            "db/nightly-20310101T000000Z.tar.gz", "db/nightly-20310101T000000Z.tar.gz.sha1");
        var inventory = Inventory(clock: new FixedClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero)));

        var backups = await inventory.ListAsync(CancellationToken.None);

        backups.Select(b => (b.Id, b.IsFutureDated)).Should().Equal(
            ("nightly-20310101T000000Z", true), ("nightly-20260101T120600Z-3d4e5f", true), ("nightly-20260101T120400Z-0a1b2c", false), ("nightly-20260101T000000Z", false));
        (await inventory.FindAsync(null, CancellationToken.None)).Id.Should().Be("nightly-20260101T120400Z-0a1b2c");
        (await inventory.FindAsync("nightly-20310101T000000Z", CancellationToken.None)).IsFutureDated.Should().BeTrue("--id still reaches it");
    }

    [Fact]
    public async Task With_only_future_dated_complete_backups_latest_fails_naming_them()
    {
        Put("db/nightly-20310101T000000Z.tar.gz", "db/nightly-20310101T000000Z.tar.gz.sha1", "db/nightly-20260102T000000Z.tar.gz");

        await FluentActions.Awaiting(() => Inventory().FindAsync(null, CancellationToken.None)).Should().ThrowAsync<BackupIntegrityException>()
            .WithMessage("job 'nightly' has no complete backup in memory:/db/ (1 incomplete; dated in the future, so not taken as the latest: nightly-20310101T000000Z (give --id to use one))");
    }

    [Fact]
    public async Task No_complete_backup_is_an_integrity_failure_and_an_unknown_id_a_usage_error()
    {
        Put("db/nightly-20260102T000000Z.tar.gz");

        await FluentActions.Awaiting(() => Inventory().FindAsync(null, CancellationToken.None)).Should().ThrowAsync<BackupIntegrityException>()
            .WithMessage("job 'nightly' has no complete backup in memory:/db/ (1 incomplete)");
        await FluentActions.Awaiting(() => Inventory().FindAsync("nightly-x", CancellationToken.None)).Should().ThrowAsync<BackupSettingsException>()
            .WithMessage("--id: no backup 'nightly-x' of job 'nightly' in memory:/db/*");
    }
}
