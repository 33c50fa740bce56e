using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.Local.Tests;

/// <summary>
/// A SIGKILLed upload leaves its hidden <c>.&lt;name&gt;.partial-&lt;random&gt;</c> file; the next upload or delete in
/// that directory removes it, but never the file of an upload that is still running.
/// </summary>
/// <remarks>
/// A writer holds an flock on its partial file; flock is per open file, so a file held open here with FileShare.None
/// is exactly what another live process looks like. The SIGKILL cases with the published host are in the end-to-end specs.
/// </remarks>
public sealed class DeadUploadSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CapturingLoggerFactory _log = new();

    private string Directory => System.IO.Directory.CreateDirectory(_dir.Combine("store", "prefix")).FullName;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_next_upload_into_the_directory_removes_a_dead_uploads_partial_file_and_logs_it_with_its_size()
    {
        var dead = Partial("backup-1.tar.gz", bytes: 1000);

        await CreateStorage().UploadAsync("prefix/backup-2.tar.gz", new MemoryStream([1, 2, 3]), UploadOptions.For("application/gzip"), default);

        File.Exists(dead).Should().BeFalse();
        File.Exists(Path.Combine(Directory, "backup-2.tar.gz")).Should().BeTrue();
        _log.Messages.Should().ContainSingle().Which.Should().Be($"Removed {dead}, left by an upload that was killed (1,000 bytes)");
    }

    [Fact]
    public async Task A_delete_in_the_directory_removes_a_dead_uploads_partial_file()
    {
        var dead = Partial("backup-1.tar.gz", bytes: 10);

        await ((IDeletableBackupStorage)CreateStorage()).DeleteAsync("prefix/backup-0.tar.gz", default);

        File.Exists(dead).Should().BeFalse();
    }

    [Fact]
    public async Task A_live_uploads_partial_file_is_never_touched()
    {
        var live = Partial("backup-1.tar.gz", bytes: 10);
        await using var writer = new FileStream(live, FileMode.Open, FileAccess.Write, FileShare.None);

        await CreateStorage().UploadAsync("prefix/backup-2.tar.gz", new MemoryStream([1]), UploadOptions.For("application/gzip"), default);

        File.Exists(live).Should().BeTrue();
        _log.Messages.Should().BeEmpty();
    }

    [Fact]
    public async Task Only_partial_files_of_the_directory_written_to_and_named_as_this_plugin_names_them_are_candidates()
    {
        var elsewhere = Partial("backup-1.tar.gz", bytes: 10, directory: System.IO.Directory.CreateDirectory(_dir.Combine("store", "other")).FullName);
        var lookalike = Path.Combine(Directory, ".notes.partial-by-hand");
        await File.WriteAllTextAsync(lookalike, "mine");

        await CreateStorage().UploadAsync("prefix/backup-2.tar.gz", new MemoryStream([1]), UploadOptions.For("application/gzip"), default);

        File.Exists(elsewhere).Should().BeTrue("only the directory being written to is cleaned");
        File.Exists(lookalike).Should().BeTrue("a name the plugin does not make is not the plugin's");
    }

    private IBackupStorage CreateStorage() =>
        new LocalStoragePlugin().CreateStorage(new PluginContext(
            new PluginSettings("storage.settings", "job.yaml:1:1", [new SettingValue("path", _dir.Combine("store"), "job.yaml:2:3")]),
            _log));

    /// <summary>A partial file as a SIGKILLed upload leaves it: written part-way, no longer locked.</summary>
    private string Partial(string name, int bytes, string? directory = null)
    {
        var path = Path.Combine(directory ?? Directory, $".{name}.partial-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }
}
