using Backup.Abstractions;

namespace Contoso.Backup.SqliteStorage;

/// <summary>Storage <c>sqlite</c>: keeps backups inside one SQLite database file (a NAS share, a single-file archive).</summary>
/// <remarks>
/// Settings: <c>database</c> (required, absolute) the database file. It is the store's "container": it must exist
/// (an empty file will do, <c>touch backups.db</c>); the tables are created on first use.
/// </remarks>
public sealed class SqliteStoragePlugin : IBackupStoragePlugin
{
    /// <inheritdoc />
    public string Name => "sqlite";

    /// <inheritdoc />
    public IBackupStorage CreateStorage(PluginContext context)
    {
        var settings = context.Settings;
        var database = settings.GetRequiredAbsolutePath("database");
        settings.ThrowIfInvalid();

        // No file access here: `backup validate` creates the storage too, possibly on another machine.
        return new SqliteStorage(database);
    }
}
