using Backup.Abstractions;
using Backup.PluginTesting;

namespace Contoso.Backup.SqliteStorage.Tests;

/// <summary>Every test of the conformance kit, create-only races included, against a fresh database file.</summary>
/// <remarks>Alone in its collection: the kit's large-object test measures the whole process's memory.</remarks>
[Collection(nameof(SqliteStorageConformanceSpecs))]
[CollectionDefinition(nameof(SqliteStorageConformanceSpecs), DisableParallelization = true)]
public sealed class SqliteStorageConformanceSpecs : StorageConformanceTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sqlite-storage-");

    public SqliteStorageConformanceSpecs()
    {
        // The store's container: it must exist, and an empty file is an empty SQLite database.
        File.Create(Database).Dispose();
    }

    protected override IBackupStoragePlugin Plugin { get; } = new SqliteStoragePlugin();

    private string Database => Path.Combine(_directory.FullName, "backups.db");

    protected override PluginSettings CreateSettings() => Settings(Database);

    protected override PluginSettings CreateMissingContainerSettings() => Settings(Path.Combine(_directory.FullName, "no-such.db"));

    public void Dispose() => _directory.Delete(recursive: true);

    private static PluginSettings Settings(string database) =>
        new("storage.settings", "test.yaml:1:1", [new SettingValue("database", database, "test.yaml:2:3")]);
}
