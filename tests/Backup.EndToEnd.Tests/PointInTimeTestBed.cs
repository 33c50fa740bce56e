using System.Globalization;
using System.Text.Json;
using Backup.Testing;
using CliWrap.Buffered;
using MySqlConnector;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The set-up the point-in-time specs share: a table on the real 3-node Galera cluster, a mariadb-ha job spec storing
/// into a local folder, writes that return their GTID and time, <c>binlogs --once</c>, and reads of the archive and
/// of a restored server.
/// </summary>
/// <remarks>
/// Binlog times have a resolution of one second, so the writes either side of a target time are put in different
/// seconds by waiting for the clock (a condition, not a fixed sleep). Every row has a primary key: a transaction
/// replayed twice would fail the restore.
/// </remarks>
public sealed class PointInTimeTestBed : IAsyncLifetime
{
    private readonly string _database = $"pitr_{Guid.NewGuid():N}"[..17];

    /// <summary>The test's folder (spec, storage, temp).</summary>
    public TempDir Dir { get; } = new();

    /// <summary>The shared cluster, held for this test.</summary>
    public GaleraCluster Cluster { get; } = new();

    /// <summary>The job's name (unique: it is also the Pushgateway group).</summary>
    public string Job { get; } = Pushgateway.UniqueJob("pitr");

    /// <summary>The local storage's root.</summary>
    public string Storage => Dir.Combine("store");

    /// <summary>Where the archived binlogs are.</summary>
    public string BinlogFolder => Path.Combine(Storage, "pitr", "binlogs");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();
        await Cluster.ExecuteAsync(1, $"CREATE DATABASE {_database}");
        await Cluster.ExecuteAsync(1, $"CREATE TABLE {_database}.t (id INT PRIMARY KEY, at DATETIME(6) NOT NULL, note VARCHAR(64) NOT NULL)");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            await Cluster.RestoreAsync();
            await Cluster.ExecuteAsync(1, $"DROP DATABASE IF EXISTS {_database}");
        }
        finally
        {
            await Cluster.DisposeAsync();
            Dir.Dispose();
        }
    }

    /// <summary>The text row <paramref name="id"/> holds: in every binlog that logs it, byte for byte (row format).</summary>
    public string Note(int id) => $"note-{id}-{_database}";

    /// <summary>(Re)writes the job's spec file <paramref name="file"/> with <paramref name="extra"/> as its last section(s); returns its path.</summary>
    public string WriteSpec(string extra = "", string file = "job.yaml") =>
        GaleraJobSpecFile.Write(Dir.Path, Cluster, Job, Storage, "pitr", extra, file);

    /// <summary>Runs one <c>backup binlogs --once</c>, which must succeed.</summary>
    public static async Task ArchiveOnceAsync(string spec)
    {
        var result = await PublishedHost.RunAsync(["binlogs", "--spec", spec, "--once"]);
        result.ExitCode.Should().Be(0, result.StandardError);
    }

    /// <summary>Restores <paramref name="spec"/>'s job into the server on <paramref name="port"/> up to <paramref name="point"/> (e.g. <c>--to-gtid</c>, a GTID).</summary>
    public static Task<BufferedCommandResult> RestoreAsync(string spec, int port, string option, string point, IReadOnlyDictionary<string, string?>? environment = null) =>
        PublishedHost.RunAsync(["restore", "--spec", spec, option, point, "--target-host", "127.0.0.1", "--target-port", port.ToString(CultureInfo.InvariantCulture)], environment);

    /// <summary>Inserts row <paramref name="id"/> on <paramref name="node"/>; returns its GTID and the time its statement started (what the binlog records, to the second).</summary>
    public async Task<((long Sequence, string Text) Gtid, DateTime At)> WriteAsync(int node, int id)
    {
        await using var connection = await Cluster.OpenAsync(node);
        await using (var insert = new MySqlCommand($"INSERT INTO {_database}.t VALUES (@id, NOW(6), @note)", connection))
        {
            insert.Parameters.AddWithValue("@id", id);
            insert.Parameters.AddWithValue("@note", Note(id));
            await insert.ExecuteNonQueryAsync();
        }

        await using var read = new MySqlCommand($"SELECT @@last_gtid, (SELECT at FROM {_database}.t WHERE id = @id)", connection);
        read.Parameters.AddWithValue("@id", id);
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        var gtid = reader.GetString(0);
        return ((long.Parse(gtid.Split('-')[2], CultureInfo.InvariantCulture), gtid), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
    }

    /// <summary>Waits until the clock is in the second after <paramref name="at"/>'s.</summary>
    public static async Task WaitForNextSecondAsync(DateTime at)
    {
        var next = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        while (DateTime.UtcNow < next.AddMilliseconds(20))
        {
            await Task.Delay(20);
        }
    }

    /// <summary>The archive's indexes as stored: data file name, first and last sequence, node, and the index's JSON.</summary>
    public List<(string DataFile, long First, long Last, string Node, JsonElement Json)> Indexes()
    {
        if (!Directory.Exists(BinlogFolder))
        {
            return [];
        }

        var result = new List<(string, long, long, string, JsonElement)>();
        foreach (var file in Directory.GetFiles(BinlogFolder, "*.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = json.RootElement;
            result.Add((
                Path.GetFileName(root.GetProperty("dataKey").GetString()!),
                root.GetProperty("first").GetProperty("sequence").GetInt64(),
                root.GetProperty("last").GetProperty("sequence").GetInt64(),
                root.GetProperty("node").GetString()!,
                root.Clone()));
        }

        return result;
    }

    /// <summary>The ids in the table on the server on <paramref name="port"/>.</summary>
    public async Task<List<int>> IdsAsync(int port)
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

    /// <summary>Whether the test's database exists on the server on <paramref name="port"/>.</summary>
    public async Task<bool> DatabaseExistsAsync(int port)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = @name", connection);
        command.Parameters.AddWithValue("@name", _database);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0;
    }
}
