using System.Text;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Retention;
using Backup.Host.Spec;
using Backup.Host.Stored;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>Chains of incremental backups as the host follows them through the manifests beside the archives: which backup a run builds on, what a restore needs, what retention keeps.</summary>
public sealed class BackupChainSpecs
{
    private readonly MemoryStorage _storage = new();
    private readonly CapturingLoggerFactory _logs = new();

    private BackupInventory Inventory => new(_storage, new ArtifactSpec("db", ArtifactSpec.DefaultNameTemplate), "nightly");

    // A complete backup (archive, manifest, .sha1) of day `day`, made by `plugin`, an increment on `basedOn` when set.
    private string Store(int day, string? basedOn = null, string plugin = "mariadb-backup")
    {
        var id = $"nightly-202601{day:00}T000000Z-abc{day:000}";
        var manifest = new BackupManifest(
            1, "nightly", id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, plugin,
            new Dictionary<string, string> { ["toLsn"] = $"{day}000" }, [], "test", null, BasedOn: basedOn);
        _storage.Objects[$"db/{id}.sql.zst"] = [1];
        _storage.Objects[$"db/{id}.manifest.json"] = manifest.ToJsonBytes();
        _storage.Objects[$"db/{id}.sql.zst.sha1"] = [1];
        return id;
    }

    private Task<PreviousBackup?> PreviousAsync(int fullEvery, string plugin = "mariadb-backup") =>
        BackupChain.PreviousAsync(Inventory, plugin, new IncrementalSpec(fullEvery), _logs.CreateLogger("test"), CancellationToken.None);

    [Fact]
    public async Task A_run_builds_on_the_newest_backup_until_the_chain_holds_full_every_backups()
    {
        var full = Store(1);
        var increment = Store(2, basedOn: full);

        (await PreviousAsync(fullEvery: 3))!.BackupId.Should().Be(increment);
        (await PreviousAsync(fullEvery: 3))!.Metadata["toLsn"].Should().Be("2000");
        (await PreviousAsync(fullEvery: 2)).Should().BeNull();
        _logs.Messages.Should().Contain(m => m.Contains("holds 2 backup(s) (fullEvery 2)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_with_no_backup_or_another_source_s_newest_backup_is_full()
    {
        (await PreviousAsync(fullEvery: 7)).Should().BeNull();

        Store(1, plugin: "mariadb-ha");

        (await PreviousAsync(fullEvery: 7)).Should().BeNull();
    }

    [Fact]
    public async Task A_chain_with_a_lost_base_makes_the_next_run_full_and_cannot_be_restored()
    {
        var full = Store(1);
        var increment = Store(2, basedOn: full);
        _storage.Objects.Remove($"db/{full}.sql.zst.sha1");

        (await PreviousAsync(fullEvery: 7)).Should().BeNull();

        var backups = await Inventory.ListAsync(CancellationToken.None);
        var manifest = await Inventory.ReadManifestAsync(backups.First(b => b.Id == increment), CancellationToken.None);
        var act = () => BackupChain.BasesAsync(Inventory, backups, increment, manifest!, CancellationToken.None);
        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain($"an increment on {full}, which is not a complete backup");
    }

    [Fact]
    public async Task A_restore_gets_the_bases_oldest_first()
    {
        var full = Store(1);
        var first = Store(2, basedOn: full);
        var second = Store(3, basedOn: first);

        var backups = await Inventory.ListAsync(CancellationToken.None);
        var manifest = await Inventory.ReadManifestAsync(backups.First(b => b.Id == second), CancellationToken.None);

        (await BackupChain.BasesAsync(Inventory, backups, second, manifest!, CancellationToken.None)).Select(b => b.Id).Should().Equal(full, first);
    }

    [Fact]
    public async Task Retention_keeps_the_bases_of_kept_increments_and_stops_when_a_kept_manifest_is_unreadable()
    {
        var enforcer = new RetentionEnforcer(Inventory, _storage, _logs.CreateLogger("test"));
        var old = Store(1);
        var full = Store(2);
        var increment = Store(3, basedOn: full);

        var decisions = await enforcer.ApplyAsync(new RetentionPolicy(1, 0, 0, 0), protectedId: null, dryRun: false, CancellationToken.None);

        decisions.Where(d => d.Keep).Select(d => d.Id).Should().Equal(increment, full);
        _storage.Objects.Keys.Should().NotContain(k => k.Contains(old, StringComparison.Ordinal));

        var newest = Store(4);
        _storage.Objects[$"db/{newest}.manifest.json"] = Encoding.UTF8.GetBytes("not json");
        var before = _storage.Objects.Keys.ToList();
        var act = () => enforcer.ApplyAsync(new RetentionPolicy(1, 0, 0, 0), protectedId: null, dryRun: false, CancellationToken.None);

        (await act.Should().ThrowAsync<BackupIntegrityException>()).Which.Message.Should().Contain($"cannot read the manifest of kept backup {newest}").And.Contain("nothing was removed");
        _storage.Objects.Keys.Should().BeEquivalentTo(before);
    }
}
