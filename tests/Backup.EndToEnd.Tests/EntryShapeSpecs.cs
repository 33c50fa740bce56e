using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// A source's declared entry shape (contract 1.3) through the published host: validate refuses streaming mode for a source
/// that writes several entries before anything runs, and a streaming object is named after the declared extension while
/// every command still finds the <c>.sql.*</c> objects stored before.
/// </summary>
public sealed class EntryShapeSpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    private readonly TempDir _dir = new("backup-shape-");

    private string Store => _dir.Combine("store");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Validate_and_run_refuse_streaming_mode_for_a_source_that_declares_several_entries_in_one_line_with_exit_2()
    {
        var spec = JobSpecFile.Write(_dir.Path, Store, "entries: 2\n    extension: bin\n    markerFile: " + _dir.Combine("started"), "pipeline:\n  mode: streaming\n");

        var validate = await RunAsync("validate", spec);
        var run = await RunAsync("run", spec);

        foreach (var result in new[] { validate, run })
        {
            result.ExitCode.Should().Be(2, result.StandardError);
            result.ErrorLines().Should().ContainSingle().Which.Should()
                .MatchRegex(@"job\.yaml:\d+:\d+: pipeline\.mode streaming stores exactly one entry, but source 'fake' writes several with these settings; use pipeline\.mode archive$");
        }

        File.Exists(_dir.Combine("started")).Should().BeFalse("the refusal comes before the source runs");
        Directory.Exists(Store).Should().BeFalse();
    }

    [Fact]
    public async Task Validate_refuses_streaming_mode_for_mariadb_ha_with_the_galera_safe_layout_and_accepts_archive_mode()
    {
        var plugins = PublishedHost.ComposePluginsDirectory(
            _dir.Path, await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"), await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa"));
        string Spec(string mode)
        {
            var path = _dir.Combine($"galera-safe-{mode}.yaml");
            File.WriteAllText(path, $"name: shape\nsource:\n  {TestServers.MariaDbHaSource}\n    layout: galera-safe\n"
                + $"storage:\n  plugin: local\n  settings:\n    path: {Store}\npipeline:\n  mode: {mode}\n");
            return path;
        }

        var streaming = await PublishedHost.RunAsync(["validate", "--spec", Spec("streaming"), "--plugins-dir", plugins]);
        var archive = await PublishedHost.RunAsync(["validate", "--spec", Spec("archive"), "--plugins-dir", plugins]);

        streaming.ExitCode.Should().Be(2, streaming.StandardError);
        streaming.ErrorLines().Should().ContainSingle().Which.Should().Contain("pipeline.mode streaming stores exactly one entry, but source 'mariadb-ha' writes several");
        archive.ExitCode.Should().Be(0, archive.StandardError);
    }

    [Fact]
    public async Task A_streaming_object_is_named_after_the_declared_extension_and_list_verify_and_prune_find_it_beside_sql_and_tar_backups()
    {
        // A .sql.gz of a source that declared nothing (every streaming backup before contract 1.3), then the same job with a
        // declared extension in streaming and in (chunked) archive mode.
        var older = await RunOkAsync(JobSpecFile.Write(_dir.Path, Store, "entries: 1", "pipeline:\n  mode: streaming\n"));
        var spec = JobSpecFile.Write(_dir.Path, Store, "entries: 1\n    extension: bin", "pipeline:\n  mode: streaming\n  compression: zstd\n");
        var streamed = await RunOkAsync(spec);
        var archived = await RunOkAsync(JobSpecFile.Write(_dir.Path, Store, "entries: 1\n    extension: bin", "pipeline:\n  mode: archive\n  archiveChunkMiB: 1\n", fileName: "archive.yaml"));

        Names(older).Should().BeEquivalentTo([$"{older}.sql.gz", $"{older}.sql.gz.sha1", $"{older}.manifest.json"]);
        Names(streamed).Should().BeEquivalentTo([$"{streamed}.bin.zst", $"{streamed}.bin.zst.sha1", $"{streamed}.manifest.json"]);
        Names(archived).Should().BeEquivalentTo([$"{archived}.tar.gz", $"{archived}.tar.gz.sha1", $"{archived}.manifest.json"]);

        var list = await RunAsync("list", spec);
        list.ExitCode.Should().Be(0, list.StandardError);
        foreach (var id in new[] { older, streamed, archived })
        {
            list.StandardOutput.Should().MatchRegex($@"(?m)^{id}\s.*\bcomplete\b");
            var verify = await RunAsync("verify", spec, "--id", id);
            verify.ExitCode.Should().Be(0, $"{id}: {verify.StandardError}");
        }

        var pruneSpec = JobSpecFile.Write(_dir.Path, Store, "entries: 1\n    extension: bin", "pipeline:\n  mode: streaming\nretention:\n  keepLast: 1\n", fileName: "prune.yaml");
        var prune = await RunAsync("prune", pruneSpec);

        prune.ExitCode.Should().Be(0, prune.StandardError);
        var left = Directory.GetFiles(Store, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        left.Should().HaveCount(3, "one backup is kept and every object of the other two, whatever its extension, is deleted");
        new[] { older, streamed, archived }.Count(id => left.All(name => name!.StartsWith(id + ".", StringComparison.Ordinal))).Should().Be(1);
    }

    [Fact]
    public async Task A_job_loads_only_the_two_plugins_it_names_while_backup_plugins_loads_every_one()
    {
        var marker = _dir.Combine("fake-created");
        var plugins = PublishedHost.ComposePluginsDirectory(
            _dir.Path,
            await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"),
            await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa"),
            await PublishedHost.FakeSourcePluginAsync());
        var spec = _dir.Combine("ha.yaml");
        await File.WriteAllTextAsync(spec, $"name: shape\nsource:\n  {TestServers.MariaDbHaSource}\nstorage:\n  plugin: local\n  settings:\n    path: {Store}\n");
        var environment = new Dictionary<string, string?> { ["BACKUP_FAKE_PLUGIN_CREATED_MARKER"] = marker };

        var validate = await PublishedHost.RunAsync(["validate", "--spec", spec, "--plugins-dir", plugins], environment);

        validate.ExitCode.Should().Be(0, validate.StandardError);
        File.Exists(marker).Should().BeFalse("the fake source is in the directory but the job does not name it");

        var listing = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins], environment);

        listing.ExitCode.Should().Be(0, listing.StandardOutput);
        File.Exists(marker).Should().BeTrue("backup plugins loads every plugin to check it, the fake source too");
    }

    private async Task<CliWrap.Buffered.BufferedCommandResult> RunAsync(string command, string spec, params string[] more) =>
        await PublishedHost.RunAsync([command, "--spec", spec, "--plugins-dir", host.PluginsDirectory, .. more]);

    private async Task<string> RunOkAsync(string spec)
    {
        var run = await RunAsync("run", spec);
        run.ExitCode.Should().Be(0, run.StandardError);
        return run.StandardOutput.Split(' ')[0];
    }

    private List<string> Names(string id) =>
        Directory.GetFiles(Store, id + ".*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)!).ToList();
}
