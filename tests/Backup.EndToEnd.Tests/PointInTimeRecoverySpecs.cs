using System.Globalization;
using System.Text.Json;
using Backup.Testing;
using MySqlConnector;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Point-in-time recovery on the real 3-node Galera cluster: binlogs archived by the published host (continuously,
/// falling over when the archiving node is killed, or --once), replayed into a fresh server up to a time or GTID.
/// </summary>
/// <remarks>
/// Binlog times have a resolution of one second, so the writes either side of a target time are put in different
/// seconds by waiting for the clock (a condition, not a fixed sleep). Every row has a primary key: a transaction
/// replayed twice would fail the restore.
/// </remarks>
public sealed class PointInTimeRecoverySpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new();
    private readonly GaleraCluster _cluster = new();
    private readonly string _database = $"pitr_{Guid.NewGuid():N}"[..17];
    private readonly string _job = Pushgateway.UniqueJob("pitr");

    private string Storage => _dir.Combine("store");

    private string BinlogFolder => Path.Combine(Storage, "pitr", "binlogs");

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        await _cluster.ExecuteAsync(1, $"CREATE DATABASE {_database}");
        await _cluster.ExecuteAsync(1, $"CREATE TABLE {_database}.t (id INT PRIMARY KEY, at DATETIME(6) NOT NULL)");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _cluster.RestoreAsync();
            await _cluster.ExecuteAsync(1, $"DROP DATABASE IF EXISTS {_database}");
        }
        finally
        {
            await _cluster.DisposeAsync();
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task A_restore_to_a_time_holds_exactly_the_rows_committed_up_to_then_also_after_the_archiving_node_was_killed()
    {
        var spec = WriteSpec();
        for (var id = 1; id <= 3; id++)
        {
            await WriteAsync(1, id);
        }

        (await PublishedHost.RunAsync(["run", "--spec", spec])).ExitCode.Should().Be(0);
        var clients = new Dictionary<string, string?> { ["PATH"] = $"{ClientShims.Create(_dir, _dir.Combine("tmp"), "mariadb-binlog", "mariadb")}:{Environment.GetEnvironmentVariable("PATH")}" };
        await using var archiver = await BackgroundHost.StartAsync(clients, "binlogs", "--spec", spec, "--interval", "1");
        for (var id = 4; id <= 6; id++)
        {
            await WriteAsync(1, id);
        }

        var (beforeKill, _) = await WriteAsync(1, 7);
        await WaitUntilArchivedAsync(beforeKill, archiver);
        var killed = ArchivingNode();
        await _cluster.KillAsync(killed);
        var survivor = killed == 1 ? 2 : 1;

        await WriteAsync(survivor, 8);
        var (_, target) = await WriteAsync(survivor, 9);
        await WaitForNextSecondAsync(target);
        var (last, _) = await WriteAsync(survivor, 10);
        await WaitUntilArchivedAsync(last, archiver);
        ArchivingNode().Should().NotBe(killed, "the archiver fell over to a node that is alive");
        (await archiver.TerminateAsync()).ExitCode.Should().Be(143);
        await _cluster.StartAsync(killed);

        await using var fresh = await ScratchServer.StartFreshAsync();
        var time = target.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--to-time", time, "--target-host", "127.0.0.1", "--target-port", fresh.Port.ToString(CultureInfo.InvariantCulture)], clients);

        restore.ExitCode.Should().Be(0, restore.StandardError);
        (await IdsAsync(fresh.Port)).Should().Equal(Enumerable.Range(1, 9), "rows 1-9 were committed up to the target second, row 10 after it");
        restore.StandardError.Should().NotContain(TestServers.MariaDbPassword);
        foreach (var client in new[] { "mariadb-binlog", "mariadb" })
        {
            (await File.ReadAllTextAsync(_dir.Combine($"{client}.env"))).Should().NotContain(TestServers.MariaDbPassword);
            (await File.ReadAllTextAsync(_dir.Combine($"{client}.argv"))).Should().NotContain(TestServers.MariaDbPassword)
                .And.Contain("--defaults-extra-file=/proc/", $"{client} logs in through the in-memory option file");
        }

        (await File.ReadAllTextAsync(_dir.Combine("mariadb.argv"))).Split("--defaults-extra-file=", StringSplitOptions.RemoveEmptyEntries)
            .Should().OnlyContain(r => r.Contains("\n--sandbox\n--binary-mode\n--local-infile=0\n"), "binlogs are replayed by a sandboxed client");
    }

    [Fact]
    public async Task A_deleted_binlog_makes_a_restore_across_it_refuse_and_retention_keeps_exactly_the_binlogs_the_kept_backup_needs()
    {
        var spec = WriteSpec($"metrics:\n  pushgateway: {Pushgateway.Url}");
        await WriteAsync(1, 1);
        (await PublishedHost.RunAsync(["run", "--spec", spec])).ExitCode.Should().Be(0);
        await WriteAsync(1, 2);
        await ArchiveOnceAsync(spec);
        var (third, _) = await WriteAsync(1, 3);
        await ArchiveOnceAsync(spec);
        var (fourth, fourthAt) = await WriteAsync(1, 4);
        await ArchiveOnceAsync(spec);

        var pushed = await Pushgateway.ScrapeAsync(_job);
        pushed.Single(s => s.Name == "backup_binlog_last_archived_sequence" && s.Labels["command"] == "binlogs").Value.Should().Be(fourth.Sequence);
        pushed.Single(s => s.Name == "backup_binlog_last_round_failed").Value.Should().Be(0);
        pushed.Single(s => s.Name == "backup_binlog_recoverable_timestamp_seconds").Value.Should().BeApproximately(new DateTimeOffset(fourthAt).ToUnixTimeSeconds(), 1);

        var list = await PublishedHost.RunAsync(["list", "--spec", spec]);
        list.StandardOutput.Should().Contain("Recoverable window").And.Contain("no gap");

        var holdingThird = Indexes().Single(i => i.First <= third.Sequence && i.Last >= third.Sequence);
        holdingThird.Last.Should().BeLessThan(fourth.Sequence, "each --once round closed the binlog it archived");
        File.Delete(Path.Combine(BinlogFolder, holdingThird.DataFile));
        var refused = await PublishedHost.RunAsync(["restore", "--spec", spec, "--to-gtid", fourth.Text, "--target-port", "1"]);
        refused.ExitCode.Should().Be(7, refused.StandardError);
        refused.StandardError.Should().Contain("gap").And.Contain("--allow-gaps");
        (await PublishedHost.RunAsync(["list", "--spec", spec])).StandardOutput.Should().Contain("1 gap(s)");

        (await PublishedHost.RunAsync(["run", "--spec", spec])).ExitCode.Should().Be(0);
        await WriteAsync(1, 5);
        await ArchiveOnceAsync(spec);
        await Pushgateway.DeleteGroupAsync(_job, "run");
        var kept = await KeptBackupPositionAsync();
        var before = Indexes();
        WriteSpec("retention:\n  keepLast: 1");
        await Pushgateway.DeleteGroupAsync(_job, "binlogs");
        var prune = await PublishedHost.RunAsync(["prune", "--spec", spec]);
        prune.ExitCode.Should().Be(0, prune.StandardError);
        var needed = before.Where(i => i.Last > kept).Select(i => i.DataFile).ToList();
        needed.Should().NotBeEmpty();
        before.Should().Contain(i => i.Last <= kept, "some binlogs are older than the kept backup");
        Indexes().Select(i => i.DataFile).Should().BeEquivalentTo(needed);
        Directory.GetFiles(BinlogFolder, "*.gz").Select(Path.GetFileName).Should().BeEquivalentTo(needed);
    }

    private string WriteSpec(string extra = "") => GaleraJobSpecFile.Write(_dir.Path, _cluster, _job, Storage, "pitr", extra);

    private static async Task ArchiveOnceAsync(string spec)
    {
        var result = await PublishedHost.RunAsync(["binlogs", "--spec", spec, "--once"]);
        result.ExitCode.Should().Be(0, result.StandardError);
    }

    // Inserts row id on node; returns its GTID and the time its statement started (what the binlog records, to the second).
    private async Task<((long Sequence, string Text) Gtid, DateTime At)> WriteAsync(int node, int id)
    {
        await using var connection = await _cluster.OpenAsync(node);
        await using (var insert = new MySqlCommand($"INSERT INTO {_database}.t VALUES (@id, NOW(6))", connection))
        {
            insert.Parameters.AddWithValue("@id", id);
            await insert.ExecuteNonQueryAsync();
        }

        await using var read = new MySqlCommand($"SELECT @@last_gtid, (SELECT at FROM {_database}.t WHERE id = @id)", connection);
        read.Parameters.AddWithValue("@id", id);
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        var gtid = reader.GetString(0);
        return ((long.Parse(gtid.Split('-')[2], CultureInfo.InvariantCulture), gtid), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
    }

    private static async Task WaitForNextSecondAsync(DateTime at)
    {
        var next = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        while (DateTime.UtcNow < next.AddMilliseconds(20))
        {
            await Task.Delay(20);
        }
    }

    private async Task WaitUntilArchivedAsync((long Sequence, string Text) gtid, BackgroundHost archiver)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!Indexes().Any(i => i.Last >= gtid.Sequence))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{gtid.Text} should be archived within {Deadline.TotalSeconds} s: {archiver.StandardErrorSoFar}");
            await Task.Delay(100);
        }
    }

    // The node ("... (galeraN)") of the newest archived file.
    private int ArchivingNode()
    {
        var node = Indexes().MaxBy(i => i.Last)!.Node;
        return int.Parse(node[(node.IndexOf("(galera", StringComparison.Ordinal) + "(galera".Length)..].TrimEnd(')'), CultureInfo.InvariantCulture);
    }

    private List<(string DataFile, long First, long Last, string Node)> Indexes()
    {
        if (!Directory.Exists(BinlogFolder))
        {
            return [];
        }

        var result = new List<(string, long, long, string)>();
        foreach (var file in Directory.GetFiles(BinlogFolder, "*.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = json.RootElement;
            result.Add((
                Path.GetFileName(root.GetProperty("dataKey").GetString()!),
                root.GetProperty("first").GetProperty("sequence").GetInt64(),
                root.GetProperty("last").GetProperty("sequence").GetInt64(),
                root.GetProperty("node").GetString()!));
        }

        return result;
    }

    private async Task<long> KeptBackupPositionAsync()
    {
        var manifests = Directory.GetFiles(Path.Combine(Storage, "pitr"), "*.manifest.json").Order(StringComparer.Ordinal).ToList();
        manifests.Should().HaveCount(2, "retention has not run yet");
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(manifests[^1]));
        var position = json.RootElement.GetProperty("sourceMetadata").GetProperty("gtidPosition").GetString()!;
        return long.Parse(position.Split(',').Single(p => p.StartsWith("1-", StringComparison.Ordinal)).Split('-')[2], CultureInfo.InvariantCulture);
    }

    private async Task<List<int>> IdsAsync(int port)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand($"SELECT id FROM {_database}.t ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<int>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }
}
