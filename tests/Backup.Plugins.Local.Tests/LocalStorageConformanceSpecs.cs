using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Plugins.Local;
using Backup.Testing;

namespace Backup.Plugins.Local.Tests;

/// <summary>The storage contract, run against a real directory.</summary>
[Collection(MemoryBoundCollection.Name)]
public sealed class LocalStorageConformanceSpecs : StorageConformanceTests, IDisposable
{
    private readonly TempDir _dir = new();

    protected override IBackupStoragePlugin Plugin { get; } = new LocalStoragePlugin();

    protected override PluginSettings CreateSettings() => Settings(_dir.Combine("store"));

    protected override PluginSettings CreateMissingContainerSettings()
    {
        // A directory cannot be created under a regular file: the local equivalent of a missing bucket.
        var file = _dir.Combine("not-a-directory");
        File.WriteAllText(file, "x");
        return Settings(Path.Combine(file, "store"));
    }

    [Fact]
    public async Task A_failed_upload_leaves_no_partial_file_in_the_directory()
    {
        var storage = CreateStorage();

        var act = () => storage.UploadAsync($"{Prefix}/x.bin", new PatternStream(1_000_000, failAt: 500_000), UploadOptions.For("application/gzip"), default);

        await act.Should().ThrowAsync<IOException>();
        Directory.EnumerateFiles(_dir.Combine("store"), "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task A_key_cannot_escape_the_directory()
    {
        var storage = CreateStorage();

        var act = () => storage.UploadAsync("../outside.bin", new MemoryStream(), UploadOptions.For("text/plain"), default);

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().Contain("outside");
    }

    [Fact]
    public async Task The_pre_flight_check_of_a_directory_yet_to_be_made_leaves_no_directory_or_probe_behind()
    {
        var root = _dir.Combine("not", "yet", "there");
        var storage = (IPreflightBackupStorage)CreateStorage(Settings(root));

        await storage.CheckAsync(default);

        Directory.Exists(_dir.Combine("not")).Should().BeFalse("a run that fails after the check must leave the tree as it was");
        Directory.GetFileSystemEntries(_dir.Path).Where(e => Path.GetFileName(e).StartsWith(".preflight", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [Fact]
    public async Task Runs_checking_a_directory_yet_to_be_made_at_the_same_moment_all_pass()
    {
        // Two CronJob runs may overlap; a check that made and removed directories pulled them from under the other's probe.
        for (var round = 0; round < 20; round++)
        {
            var root = _dir.Combine($"round-{round}", "a", "b");
            var checks = Enumerable.Range(0, 8).Select(_ => Task.Run(() => ((IPreflightBackupStorage)CreateStorage(Settings(root))).CheckAsync(default)));

            await Task.WhenAll(checks);
        }
    }

    [Fact]
    public async Task The_pre_flight_check_of_an_existing_directory_leaves_it_as_it_was()
    {
        var storage = (IPreflightBackupStorage)CreateStorage();
        Directory.CreateDirectory(_dir.Combine("store"));

        await storage.CheckAsync(default);

        Directory.GetFileSystemEntries(_dir.Combine("store")).Should().BeEmpty();
    }

    [Fact]
    public async Task The_location_of_an_object_is_its_file_path()
    {
        var storage = (ILocatingBackupStorage)CreateStorage();

        storage.LocationOf("db/nightly.tar.gz").Should().Be(Path.Combine(_dir.Combine("store"), "db", "nightly.tar.gz"));
    }

    public void Dispose() => _dir.Dispose();

    private static PluginSettings Settings(string path) =>
        new("storage.settings", "job.yaml:1:1", [new SettingValue("path", path, "job.yaml:2:3")]);
}
