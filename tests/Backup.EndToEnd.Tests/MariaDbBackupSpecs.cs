using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;
using MySqlConnector;
using Xunit.Abstractions;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The seed's whole flow against real parts: password from a Kubernetes Secret (API stub), the real mariadb-dump of a
/// real server, the published host with the mariadb-ha and local plugins, then a restore into a second, fresh server.
/// </summary>
[Collection(RestoreTargetCollection.Name)]
public sealed class MariaDbBackupSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Database = "e2e_shop";
    private readonly TempDir _dir = new();
    private readonly KubernetesApiStub _kubernetes = new();

    public async Task InitializeAsync()
    {
        await _kubernetes.InitializeAsync();
        _kubernetes.AddSecret("cell-1", "mariadb", new Dictionary<string, string> { ["root-password"] = TestServers.MariaDbPassword });
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _kubernetes.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("archive", "gzip", ".tar.gz", 1)]
    [InlineData("archive", "gzip", ".tar.gz", 0)]
    [InlineData("streaming", "gzip", ".sql.gz", null)]
    [InlineData("streaming", "zstd", ".sql.zst", null)]
    public async Task A_backup_of_a_real_server_restores_into_a_fresh_server_with_data_routines_and_events(string mode, string compression, string suffix, int? chunkMiB)
    {
        var storage = _dir.Combine("store");
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: nightly
            source:
              plugin: mariadb-ha
              settings:
                host: ${"{"}MARIADB_HA_SERVICE_NAME{"}"}
                port: {TestServers.MariaDbPort}
                user: root
                password:
                  kubernetesSecret:
                    namespace: ${"{"}CELL_DEFAULT_NAMESPACE{"}"}
                    name: ${"{"}MARIADB_HA_SECRET_NAME:-mariadb{"}"}
                    kubeconfig: {_kubernetes.KubeconfigPath}
            storage:
              plugin: local
              settings:
                path: {storage}
            artifact:
              prefix: mariadb-ha-backup
            pipeline:
              mode: {mode}
              compression: {compression}
              threads: 2
              blockSizeMiB: 1
            {(chunkMiB is null ? "" : $"  archiveChunkMiB: {chunkMiB}")}
            """);

        var stopwatch = Stopwatch.StartNew();
        var result = await PublishedHost.RunAsync(["run", "--spec", spec], new Dictionary<string, string?>
        {
            ["MARIADB_HA_SERVICE_NAME"] = TestServers.MariaDbHost,
            ["CELL_DEFAULT_NAMESPACE"] = "cell-1",
        });
        output.WriteLine($"backup took {stopwatch.Elapsed.TotalSeconds:F2} s (process start to exit)");

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardError.Should().NotContain(TestServers.MariaDbPassword);
        result.StandardOutput.Should().NotContain(TestServers.MariaDbPassword);
        var archive = Directory.GetFiles(Path.Combine(storage, "mariadb-ha-backup"), "nightly-*" + suffix).Should().ContainSingle().Subject;
        var sha1 = Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(archive)));
        (await File.ReadAllTextAsync(archive + ".sha1")).Should().Be($"{sha1}  {Path.GetFileName(archive)}\n");

        var dump = await ExtractAsync(archive, "all-databases-dump.sql", chunkMiB > 0);
        var manifest = await File.ReadAllTextAsync(archive[..^suffix.Length] + ".manifest.json");
        manifest.Should().Contain(sha1).And.Contain("all-databases-dump.sql");
        manifest.Should().Contain(Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(dump))), "the manifest has the SHA-1 of the whole entry, however it is stored");
        (await File.ReadAllTextAsync(dump)).Should().Contain("-- Dump completed").And.NotContain(TestServers.MariaDbPassword);

        await RestoreAsync(dump);

        foreach (var table in new[] { "customers", "orders", "notes" })
        {
            (await ChecksumAsync(TestServers.MariaDbPort, table)).Should().Be(await ChecksumAsync(TestServers.RestorePort, table), $"{table} must come back row for row");
        }

        (await ScalarAsync(TestServers.RestorePort, $"SELECT {Database}.order_total(1)")).Should().Be("42.50");
        (await ScalarAsync(TestServers.RestorePort, $"SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA='{Database}' AND ROUTINE_NAME='add_order'")).Should().Be("1");
        (await ScalarAsync(TestServers.RestorePort, $"SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA='{Database}'")).Should().Be("purge_old_orders");
        (await ScalarAsync(TestServers.RestorePort, $"SELECT name FROM {Database}.customers WHERE id=2")).Should().Be("Zoë \"quotes\" O'Brien");
    }

    private async Task SeedAsync()
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        foreach (var sql in new[]
        {
            $"DROP DATABASE IF EXISTS {Database}",
            $"CREATE DATABASE {Database} CHARACTER SET utf8mb4",
            $"USE {Database}",
            $"CREATE TABLE {Database}.customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, note TEXT NULL, photo BLOB NULL)",
            $"CREATE TABLE {Database}.orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL, FOREIGN KEY (customer_id) REFERENCES {Database}.customers(id))",
            $"INSERT INTO {Database}.customers VALUES (1, 'Ada', NULL, NULL), (2, 'Zoë \"quotes\" O''Brien', 'line1\nline2\ttab', X'00FF10')",
            $"INSERT INTO {Database}.orders (customer_id, amount, created) SELECT 1 + (seq % 2), 42.50, NOW() FROM seq_1_to_2000",
            $"CREATE FUNCTION {Database}.order_total(order_id INT) RETURNS DECIMAL(10,2) READS SQL DATA RETURN (SELECT amount FROM {Database}.orders WHERE id = order_id)",
            $"CREATE PROCEDURE {Database}.add_order(IN c INT, IN a DECIMAL(10,2)) INSERT INTO {Database}.orders (customer_id, amount, created) VALUES (c, a, NOW())",
            // ~2.6 MB of dump: several chunks of 1 MiB.
            $"CREATE TABLE {Database}.notes (id INT PRIMARY KEY, body TEXT NOT NULL)",
            $"INSERT INTO {Database}.notes SELECT seq, REPEAT(MD5(seq), 25) FROM seq_1_to_3000",
            $"CREATE EVENT {Database}.purge_old_orders ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM {Database}.orders WHERE created < NOW() - INTERVAL 10 YEAR",
        })
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var target = await TestServers.OpenMariaDbAsync(TestServers.RestorePort);
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS {Database}", target);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task<string> ExtractAsync(string archive, string entryName, bool chunked)
    {
        var path = _dir.Combine(entryName);
        if (chunked)
        {
            // What the README tells a user: GNU tar, then the chunks joined in the order the shell's glob sorts them.
            var into = Directory.CreateDirectory(_dir.Combine("untarred")).FullName;
            await Cli.Wrap("tar").WithArguments(["xzf", archive, "-C", into]).ExecuteAsync();
            Directory.GetFiles(into, entryName + ".*").Length.Should().BeGreaterThan(2, "the dump is larger than two chunks");
            await Cli.Wrap("sh").WithArguments(["-c", $"cat {entryName}.* > {path}"]).WithWorkingDirectory(into).ExecuteAsync();
            return path;
        }

        if (!archive.EndsWith(".tar.gz", StringComparison.Ordinal))
        {
            // Streaming mode: the object is the one entry, compressed; decompressed by the tools a user would use.
            var tool = archive.EndsWith(".zst", StringComparison.Ordinal) ? "zstd" : "gzip";
            await (Cli.Wrap(tool).WithArguments(["-dc", archive]) | PipeTarget.ToFile(path)).ExecuteAsync();
            return path;
        }

        await using var tar = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name == entryName)
            {
                await entry.ExtractToFileAsync(path, overwrite: false);
                return path;
            }
        }

        throw new InvalidOperationException($"{entryName} not in {archive}");
    }

    private static async Task RestoreAsync(string dump)
    {
        var result = await Cli.Wrap("mariadb")
            .WithArguments(["--no-defaults", "--sandbox", "--binary-mode", "--local-infile=0", $"--host={TestServers.MariaDbHost}", $"--port={TestServers.RestorePort}", "--user=root"])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["MYSQL_PWD"] = TestServers.MariaDbPassword })
            .WithStandardInputPipe(PipeSource.FromFile(dump))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        result.ExitCode.Should().Be(0, result.StandardError);
    }

    private static async Task<string> ChecksumAsync(int port, string table)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand($"CHECKSUM TABLE {Database}.{table} EXTENDED", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetValue(1)?.ToString() ?? "null";
    }

    private static async Task<string?> ScalarAsync(int port, string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync(port);
        await using var command = new MySqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
