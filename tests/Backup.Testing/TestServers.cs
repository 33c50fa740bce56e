using MySqlConnector;

namespace Backup.Testing;

/// <summary>The real servers tests run against, found through BACKUP_TEST_* environment variables; never skipped.</summary>
public static class TestServers
{
    /// <summary>The MariaDB server's host (BACKUP_TEST_MARIADB_HOST, default 127.0.0.1).</summary>
    public static string MariaDbHost => Environment.GetEnvironmentVariable("BACKUP_TEST_MARIADB_HOST") is { Length: > 0 } host ? host : "127.0.0.1";

    /// <summary>The MariaDB server's port (BACKUP_TEST_MARIADB_PORT, default 13306).</summary>
    public static int MariaDbPort => int.TryParse(Environment.GetEnvironmentVariable("BACKUP_TEST_MARIADB_PORT"), out var port) ? port : 13306;

    /// <summary>A second, fresh server to restore into (BACKUP_TEST_RESTORE_PORT, default 13316); same host and root password.</summary>
    public static int RestorePort => int.TryParse(Environment.GetEnvironmentVariable("BACKUP_TEST_RESTORE_PORT"), out var port) ? port : 13316;

    /// <summary>The name of the variable holding root's password; tests may pass this name to the plugin's <c>env</c> source.</summary>
    public const string MariaDbPasswordVariable = "BACKUP_TEST_MARIADB_PASSWORD";

    /// <summary>Root's password (BACKUP_TEST_MARIADB_PASSWORD, required).</summary>
    public static string MariaDbPassword =>
        Environment.GetEnvironmentVariable(MariaDbPasswordVariable) is { Length: > 0 } password
            ? password
            : throw new InvalidOperationException($"Set {MariaDbPasswordVariable} to the root password of the test MariaDB server at {MariaDbHost}:{MariaDbPort}.");

    /// <summary>The body of a job spec's <c>source:</c> section: mariadb-ha against the test server as root, password from <see cref="MariaDbPasswordVariable"/>.</summary>
    public static string MariaDbHaSource => $"""
        plugin: mariadb-ha
          settings:
            host: {MariaDbHost}
            port: {MariaDbPort}
            user: root
            password:
              env: {MariaDbPasswordVariable}
        """;

    /// <summary><see cref="MariaDbHaSource"/> with <c>layout: schemas</c> (no <c>mysql</c>, no <c>sys</c>): for specs that restore a whole backup into the shared restore server.</summary>
    /// <remarks>
    /// The default seed layout carries the <c>mysql</c> tables, which every restore drops and reloads (<c>help_topic</c>, ...):
    /// two test projects restoring at once into the one restore server then fail each other's load.
    /// </remarks>
    public static string MariaDbHaSchemasSource => MariaDbHaSource + "\n    layout: schemas";

    /// <summary>The name of the variable holding Azurite's connection string; tests pass this name to the azure plugin's <c>connectionStringEnv</c>.</summary>
    public const string AzuriteConnectionStringVariable = "BACKUP_TEST_AZURITE_CONNECTION_STRING";

    /// <summary>Azurite's well-known development account key (public, the same in every Azurite).</summary>
    public const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Azurite's blob endpoint for the devstoreaccount1 account (BACKUP_TEST_AZURITE_URL, default http://127.0.0.1:14910/devstoreaccount1).</summary>
    public static string AzuriteBlobUrl =>
        Environment.GetEnvironmentVariable("BACKUP_TEST_AZURITE_URL") is { Length: > 0 } url ? url.TrimEnd('/') : "http://127.0.0.1:14910/devstoreaccount1";

    /// <summary>A connection string for Azurite (BACKUP_TEST_AZURITE_CONNECTION_STRING, else built from <see cref="AzuriteBlobUrl"/>).</summary>
    public static string AzuriteConnectionString =>
        Environment.GetEnvironmentVariable(AzuriteConnectionStringVariable) is { Length: > 0 } connectionString
            ? connectionString
            : AzuriteConnectionStringWithKey(AzuriteAccountKey);

    /// <summary>An Azurite connection string with the given account key (a wrong key makes every request fail with 403).</summary>
    public static string AzuriteConnectionStringWithKey(string accountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={accountKey};BlobEndpoint={AzuriteBlobUrl};";

    /// <summary>fauxqs, the S3 emulator that behaves like AWS with the SDK's defaults, bucket "backups" (BACKUP_TEST_S3_URL, default http://127.0.0.1:14900).</summary>
    public static string FauxqsUrl => Environment.GetEnvironmentVariable("BACKUP_TEST_S3_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:14900";

    /// <summary>The real mariadb-dump on PATH, which shims exec.</summary>
    public static string MariaDbDumpPath =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "mariadb-dump"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mariadb-dump is not on PATH; install mariadb-client.");

    /// <summary>Opens a root connection, failing with a clear message when the server is unreachable.</summary>
    public static async Task<MySqlConnection> OpenMariaDbAsync(int? port = null, string? database = null)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = MariaDbHost,
            Port = (uint)(port ?? MariaDbPort),
            Database = database ?? "",
            UserID = "root",
            Password = MariaDbPassword,
            ConnectionTimeout = 5,
        };
        var connection = new MySqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch (MySqlException ex)
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException(
                $"The test MariaDB server at {MariaDbHost}:{port ?? MariaDbPort} is unreachable or refused root ({ex.Message}). " +
                "Start it or point BACKUP_TEST_MARIADB_HOST/PORT/PASSWORD at one.", ex);
        }
    }

    /// <summary>Fails with a clear message unless the test MariaDB server is configured and reachable.</summary>
    public static async Task EnsureMariaDbAsync()
    {
        await using var connection = await OpenMariaDbAsync();
    }

    /// <summary>Runs one statement as root; parameters are substituted client-side, so they work in CREATE USER too.</summary>
    public static async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenMariaDbAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="statements"/> in order as root on the server at <paramref name="port"/> (e.g. <see cref="RestorePort"/>).</summary>
    public static async Task ExecuteAsync(int port, params string[] statements)
    {
        await using var connection = await OpenMariaDbAsync(port);
        foreach (var sql in statements)
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> on the server at <paramref name="port"/>, as a number.</summary>
    public static async Task<long> CountAsync(int port, string sql)
    {
        await using var connection = await OpenMariaDbAsync(port);
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
