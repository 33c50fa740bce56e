using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>Issue 14 item 6: a row larger than mariadb-dump's default 16 MiB packet is dumped whole.</summary>
public sealed class LargeRowSpecs : IDisposable
{
    private const string Database = "large_row_source";
    private const int RowBytes = 40 << 20;
    private readonly SourceRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task A_row_of_40_MiB_is_dumped_whole()
    {
        // The test servers run with --max-allowed-packet=64M, so the server can send the row; the client's limit decides.
        (await ScalarAsync("SELECT @@max_allowed_packet")).Should().BeGreaterThan(RowBytes);
        await TestServers.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        try
        {
            await TestServers.ExecuteAsync($"CREATE OR REPLACE TABLE {Database}.blobs (id INT PRIMARY KEY, body LONGTEXT NOT NULL)");
            await TestServers.ExecuteAsync($"INSERT INTO {Database}.blobs VALUES (1, REPEAT('x', {RowBytes}))");

            await _run.RunAsync(SourceRun.ServerSettings(SourceRun.EnvPassword(TestServers.MariaDbPasswordVariable), ("layout", "schemas")));
        }
        finally
        {
            // Every other test dumps every database: a 40 MiB row must not outlive this one.
            await TestServers.ExecuteAsync($"DROP DATABASE IF EXISTS {Database}");
        }

        // A boolean: a failed Contain would print 40 MiB.
        _run.DumpText.Contains($"INSERT INTO `blobs` VALUES\n(1,'{new string('x', RowBytes)}');", StringComparison.Ordinal).Should().BeTrue("the row is in the dump whole");
        _run.DumpText[^200..].Should().Contain("-- Dump completed");
    }

    private static async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        await using var command = new MySqlConnector.MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
