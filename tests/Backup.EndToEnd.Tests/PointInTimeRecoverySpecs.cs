using System.Globalization;
using System.Text.Json;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Point-in-time recovery on the real 3-node Galera cluster: binlogs archived by the published host (continuously,
/// falling over when the archiving node is killed, or --once), replayed into a fresh server up to a time or GTID.
/// </summary>
/// <remarks>The set-up (table, spec, writes, archive reads) is <see cref="PointInTimeTestBed"/>'s.</remarks>
public sealed class PointInTimeRecoverySpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly PointInTimeTestBed _bed = new();

    public Task InitializeAsync() => _bed.InitializeAsync();

    public Task DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_restore_to_a_time_holds_exactly_the_rows_committed_up_to_then_also_after_the_archiving_node_was_killed()
    {
        var spec = _bed.WriteSpec();
        for (var id = 1; id <= 3; id++)
        {
            await _bed.WriteAsync(1, id);
        }

        (await PublishedHost.RunAsync(["run", "--spec", spec])).ExitCode.Should().Be(0);
        var clients = new Dictionary<string, string?> { ["PATH"] = $"{ClientShims.Create(_bed.Dir, _bed.Dir.Combine("tmp"), "mariadb-binlog", "mariadb")}:{Environment.GetEnvironmentVariable("PATH")}" };
        await using var archiver = await BackgroundHost.StartAsync(clients, "binlogs", "--spec", spec, "--interval", "1");
        for (var id = 4; id <= 6; id++)
        {
            await _bed.WriteAsync(1, id);
        }

        var (beforeKill, _) = await _bed.WriteAsync(1, 7);
        await WaitUntilArchivedAsync(beforeKill, archiver);
        var killed = ArchivingNode();
        await _bed.Cluster.KillAsync(killed);
        var survivor = killed == 1 ? 2 : 1;

        await _bed.WriteAsync(survivor, 8);
        var (_, target) = await _bed.WriteAsync(survivor, 9);
        await PointInTimeTestBed.WaitForNextSecondAsync(target);
        var (last, _) = await _bed.WriteAsync(survivor, 10);
        await WaitUntilArchivedAsync(last, archiver);
        ArchivingNode().Should().NotBe(killed, "the archiver fell over to a node that is alive");
        (await archiver.TerminateAsync()).ExitCode.Should().Be(143);
        await _bed.Cluster.StartAsync(killed);

        await using var fresh = await ScratchServer.StartFreshAsync();
        var time = target.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--to-time", time, "--target-host", "127.0.0.1", "--target-port", fresh.Port.ToString(CultureInfo.InvariantCulture)], clients);

        restore.ExitCode.Should().Be(0, restore.StandardError);
        (await _bed.IdsAsync(fresh.Port)).Should().Equal(Enumerable.Range(1, 9), "rows 1-9 were committed up to the target second, row 10 after it");
        restore.StandardError.Should().NotContain(TestServers.MariaDbPassword);
        foreach (var client in new[] { "mariadb-binlog", "mariadb" })
        {
            (await File.ReadAllTextAsync(_bed.Dir.Combine($"{client}.env"))).Should().NotContain(TestServers.MariaDbPassword);
            (await File.ReadAllTextAsync(_bed.Dir.Combine($"{client}.argv"))).Should().NotContain(TestServers.MariaDbPassword)
                .And.Contain("--defaults-extra-file=/proc/", $"{client} logs in through the in-memory option file");
        }

        (await File.ReadAllTextAsync(_bed.Dir.Combine("mariadb.argv"))).Split("--defaults-extra-file=", StringSplitOptions.RemoveEmptyEntries)
            .Should().OnlyContain(r => r.Contains("\n--sandbox\n--binary-mode\n--local-infile=0\n"), "binlogs are replayed by a sandboxed client");
    }

    [Fact]
    public async Task A_deleted_binlog_makes_a_restore_across_it_refuse_and_retention_keeps_exactly_the_binlogs_the_kept_backup_needs()
    {
        var spec = _bed.WriteSpec($"metrics:\n  pushgateway: {Pushgateway.Url}");
        await _bed.WriteAsync(1, 1);
        (await PublishedHost.RunAsync(["run", "--spec", spec])).ExitCode.Should().Be(0);
        await _bed.WriteAsync(1, 2);
        await PointInTimeTestBed.ArchiveOnceAsync(spec);
        var (third, _) = await _bed.WriteAsync(1, 3);
        await PointInTimeTestBed.ArchiveOnceAsync(spec);
        var (fourth, fourthAt) = await _bed.WriteAsync(1, 4);
        await PointInTimeTestBed.ArchiveOnceAsync(spec);

        var pushed = await Pushgateway.ScrapeAsync(_bed.Job);
        pushed.Single(s => s.Name == "backup_binlog_last_archived_sequence" && s.Labels["command"] == "binlogs").Value.Should().Be(fourth.Sequence);
        pushed.Single(s => s.Name == "backup_binlog_last_round_failed").Value.Should().Be(0);
        pushed.Single(s => s.Name == "backup_binlog_recoverable_timestamp_seconds").Value.Should().BeApproximately(new DateTimeOffset(fourthAt).ToUnixTimeSeconds(), 1);

        var list = await PublishedHost.RunAsync(["list", "--spec", spec]);
        list.StandardOutput.Should().Contain("Recoverable window").And.Contain("no gap");

        var holdingThird = _bed.Indexes().Single(i => i.First <= third.Sequence && i.Last >= third.Sequence);
        holdingThird.Last.Should().BeLessThan(fourth.Sequence, "each --once round closed the binlog it archived");
        File.Delete(Path.Combine(_bed.BinlogFolder, holdingThird.DataFile));
        var refused = await PublishedHost.RunAsync(["restore", "--spec", spec, "--to-gtid", fourth.Text, "--target-port", "1"]);
        refused.ExitCode.Should().Be(7, refused.StandardError);
        refused.StandardError.Should().Contain("gap").And.Contain("--allow-gaps");
        (await PublishedHost.RunAsync(["list", "--spec", spec])).StandardOutput.Should().Contain("1 gap(s)");

        (await PublishedHost.RunAsync(["run", "--spec", spec])).ExitCode.Should().Be(0);
        await _bed.WriteAsync(1, 5);
        await PointInTimeTestBed.ArchiveOnceAsync(spec);
        await Pushgateway.DeleteGroupAsync(_bed.Job, "run");
        var kept = await KeptBackupPositionAsync();
        var before = _bed.Indexes();
        _bed.WriteSpec("retention:\n  keepLast: 1");
        await Pushgateway.DeleteGroupAsync(_bed.Job, "binlogs");
        var prune = await PublishedHost.RunAsync(["prune", "--spec", spec]);
        prune.ExitCode.Should().Be(0, prune.StandardError);
        var needed = before.Where(i => i.Last > kept).Select(i => i.DataFile).ToList();
        needed.Should().NotBeEmpty();
        before.Should().Contain(i => i.Last <= kept, "some binlogs are older than the kept backup");
        _bed.Indexes().Select(i => i.DataFile).Should().BeEquivalentTo(needed);
        Directory.GetFiles(_bed.BinlogFolder, "*.gz").Select(Path.GetFileName).Should().BeEquivalentTo(needed);
    }

    private async Task WaitUntilArchivedAsync((long Sequence, string Text) gtid, BackgroundHost archiver)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!_bed.Indexes().Any(i => i.Last >= gtid.Sequence))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{gtid.Text} should be archived within {Deadline.TotalSeconds} s: {archiver.StandardErrorSoFar}");
            await Task.Delay(100);
        }
    }

    // The node ("... (galeraN)") of the newest archived file.
    private int ArchivingNode()
    {
        var node = _bed.Indexes().MaxBy(i => i.Last)!.Node;
        return int.Parse(node[(node.IndexOf("(galera", StringComparison.Ordinal) + "(galera".Length)..].TrimEnd(')'), CultureInfo.InvariantCulture);
    }

    private async Task<long> KeptBackupPositionAsync()
    {
        var manifests = Directory.GetFiles(Path.Combine(_bed.Storage, "pitr"), "*.manifest.json").Order(StringComparer.Ordinal).ToList();
        manifests.Should().HaveCount(2, "retention has not run yet");
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(manifests[^1]));
        var position = json.RootElement.GetProperty("sourceMetadata").GetProperty("gtidPosition").GetString()!;
        return long.Parse(position.Split(',').Single(p => p.StartsWith("1-", StringComparison.Ordinal)).Split('-')[2], CultureInfo.InvariantCulture);
    }
}
