using System.Runtime.CompilerServices;
using Backup.Abstractions;
using Microsoft.Data.Sqlite;

namespace Contoso.Backup.SqliteStorage;

/// <summary>Stores each object as 1 MiB chunks in one SQLite database, one transaction per upload.</summary>
/// <remarks>
/// The transaction is what makes an upload all-or-nothing: a failed or cancelled upload is rolled back and leaves
/// nothing. It is opened IMMEDIATE (the database's write lock, taken at once), so of two create-only uploads of one key
/// the second waits for the first and then finds its object: exactly one wins.
/// </remarks>
internal sealed class SqliteStorage(string database) : IReadableBackupStorage, IDeletableBackupStorage, ICreateOnlyBackupStorage
{
    private const int ChunkSize = 1 << 20;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, length INTEGER NOT NULL, modified INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS chunks (key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (key, seq)) STRICT;
        """;

    /// <inheritdoc />
    public string Location => $"sqlite:{database}";

    /// <inheritdoc />
    public Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        StoreAsync(key, content, replace: true, cancellationToken);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
        await StoreAsync(key, content, replace: false, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync($"list {prefix}", cancellationToken);
        await using var command = Command(connection, "SELECT key, length, modified FROM objects WHERE substr(key, 1, length($prefix)) = $prefix", ("$prefix", prefix));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new StoredObject(reader.GetString(0), reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync($"read {key}", cancellationToken);
        try
        {
            if (!await ExistsAsync(connection, key, cancellationToken))
            {
                throw new BackupStorageException($"{Location}: no object {key}");
            }

            // The reader holds a shared lock until the stream is disposed: a concurrent replace cannot mix two versions.
            var command = Command(connection, "SELECT data FROM chunks WHERE key = $key ORDER BY seq", ("$key", key));
            return new ChunkReadStream(connection, command, await command.ExecuteReaderAsync(cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync($"delete {key}", cancellationToken);
        await using var command = Command(connection, "DELETE FROM chunks WHERE key = $key; DELETE FROM objects WHERE key = $key", ("$key", key));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new BackupStorageException($"{Location}: cannot delete {key}: {ex.Message}", ex);
        }
    }

    private async Task<DateTimeOffset> StoreAsync(string key, Stream content, bool replace, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync($"store {key}", cancellationToken);
        try
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            if (!replace && await ExistsAsync(connection, key, cancellationToken, transaction))
            {
                throw new BackupObjectExistsException(Location, key);
            }

            await using (var clear = Command(transaction, "DELETE FROM chunks WHERE key = $key; DELETE FROM objects WHERE key = $key", ("$key", key)))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var insert = Command(transaction, "INSERT INTO chunks (key, seq, data) VALUES ($key, $seq, $data)", ("$key", key), ("$seq", 0L), ("$data", Array.Empty<byte>()));
            var buffer = new byte[ChunkSize];
            long length = 0;
            int filled;

            // Streamed chunk by chunk: the length may be unknown and a backup need not fit in memory. A failure of the
            // content itself is not a SqliteException: it propagates as it is, and the transaction rolls back.
            while ((filled = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                insert.Parameters["$seq"].Value = length / ChunkSize;
                insert.Parameters["$data"].Value = buffer;
                insert.Parameters["$data"].Size = filled;
                await insert.ExecuteNonQueryAsync(cancellationToken);
                length += filled;
            }

            var modified = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await using var record = Command(transaction, "INSERT INTO objects (key, length, modified) VALUES ($key, $length, $modified)",
                ("$key", key), ("$length", length), ("$modified", modified.ToUnixTimeMilliseconds()));
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return modified;
        }
        catch (SqliteException ex)
        {
            throw new BackupStorageException($"{Location}: cannot store {key}: {ex.Message}", ex);
        }
    }

    /// <summary>Opens the database; a missing file is this store's missing container, reported naming it.</summary>
    private async Task<SqliteConnection> OpenAsync(string operation, CancellationToken cancellationToken)
    {
        if (!File.Exists(database))
        {
            throw new BackupStorageException($"{Location}: cannot {operation}: database {database} does not exist (create it, e.g. touch {database}, or fix storage.settings.database)");
        }

        // ReadWrite, never Create: a typo in the spec must not make a new, empty store somewhere.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var schema = Command(connection, Schema);
            await schema.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync();
            throw new BackupStorageException($"{Location}: cannot {operation}: {ex.Message}", ex);
        }
    }

    private static async Task<bool> ExistsAsync(SqliteConnection connection, string key, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = Command(connection, "SELECT 1 FROM objects WHERE key = $key", ("$key", key));
        command.Transaction = transaction;
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>A command that runs in <paramref name="transaction"/> (Microsoft.Data.Sqlite refuses one that does not while it is open).</summary>
    private static SqliteCommand Command(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = Command(transaction.Connection!, sql, parameters);
        command.Transaction = transaction;
        return command;
    }
}
