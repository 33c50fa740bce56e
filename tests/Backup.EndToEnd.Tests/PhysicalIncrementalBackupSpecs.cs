using System.Globalization;
using System.Text.Json;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// Incremental physical backups through the published host, against the test server: a full backup, then an increment
/// on it (<c>--incremental-lsn</c> from the first one's manifest), restored as a chain into a datadir that serves the
/// table as it was at the increment; retention keeps the base a kept increment needs, and drops it once a new full
/// backup makes the chain unneeded.
/// </summary>
public sealed class PhysicalIncrementalBackupSpecs : IAsyncLifetime
{
    private readonly PhysicalTestJob _job = new("backup-physical-inc-", "physi_");

    public Task InitializeAsync() => _job.InitializeAsync();

    public Task DisposeAsync() => _job.DisposeAsync();

    [Theory]
    [InlineData("archive", "gzip")]
    [InlineData("streaming", "zstd")]
    public async Task An_increment_on_a_full_backup_restores_as_a_chain_and_retention_keeps_its_base_until_a_new_full_backup(string mode, string compression)
    {
        var spec = Spec(pipeline: $"pipeline: {{ mode: {mode}, compression: {compression} }}");
        var full = await RunAsync(spec);
        Metadata(full).GetProperty("backupType").GetString().Should().Be("full-backuped");
        Manifest(full).TryGetProperty("basedOn", out _).Should().BeFalse();

        await TestServers.ExecuteAsync(
            TestServers.MariaDbPort,
            $"INSERT INTO {_job.Database}.orders SELECT seq, CONCAT('later ', seq) FROM {_job.Database}.seq_5001_to_6000",
            $"UPDATE {_job.Database}.orders SET note = 'changed' WHERE id = 7");
        var expected = await ScratchServer.ChecksumAsync(TestServers.MariaDbPort, $"{_job.Database}.orders");
        var increment = await RunAsync(spec);
        Manifest(increment).GetProperty("basedOn").GetString().Should().Be(full);
        Metadata(increment).GetProperty("backupType").GetString().Should().Be("incremental");
        Metadata(increment).GetProperty("fromLsn").GetString().Should().Be(Metadata(full).GetProperty("toLsn").GetString());
        var list = await PublishedHost.RunAsync(["list", "--spec", spec, "--plugins-dir", _job.PluginsDirectory]);
        list.StandardOutput.Should().MatchRegex($"{increment} .* increment on {full}");

        // Streaming also without staging: every link is downloaded twice, verified and then loaded.
        var datadir = _job.Dir.Combine("restored", "data");
        string[] staging = mode == "streaming" ? ["--no-staging"] : [];
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory, .. staging]);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        restore.StandardError.Should().Contain($"Applying increment {increment}");
        await using (var server = await ScratchServer.StartAsync(datadir))
        {
            (await ScratchServer.ChecksumAsync(server.Port, $"{_job.Database}.orders")).Should().Be(expected, "the full backup plus the increment hold the later rows");
        }

        var prune = await PublishedHost.RunAsync(["prune", "--spec", spec, "--plugins-dir", _job.PluginsDirectory]);
        prune.ExitCode.Should().Be(0, prune.StandardError);
        prune.StandardOutput.Should().MatchRegex($"keep +{full} .*base of {increment}");
        Ids().Should().BeEquivalentTo([full, increment]);

        // fullEvery 2: the third backup is full again, and the old chain is no longer needed.
        var next = await RunAsync(spec);
        Manifest(next).TryGetProperty("basedOn", out _).Should().BeFalse();
        Ids().Should().BeEquivalentTo([next], "the run's retention (keepLast 1) removes the chain nothing builds on any more");
    }

    [Fact]
    public async Task An_increment_whose_base_is_gone_is_not_restored_and_the_next_run_is_a_full_backup()
    {
        var spec = Spec(retention: false);
        var full = await RunAsync(spec);
        var increment = await RunAsync(spec);
        Manifest(increment).GetProperty("basedOn").GetString().Should().Be(full);
        foreach (var file in Directory.GetFiles(Store, $"{full}.*"))
        {
            File.Delete(file);
        }

        var datadir = _job.Dir.Combine("restored", "data");
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory]);
        restore.ExitCode.Should().Be(7, restore.StandardError);
        restore.ErrorLines().Should().ContainSingle().Which.Should().Contain(full);
        Directory.Exists(datadir).Should().BeFalse();

        var next = await RunAsync(spec);
        Manifest(next).TryGetProperty("basedOn", out _).Should().BeFalse("the chain cannot be followed, so the run starts a new one");
    }

    [Fact]
    public async Task Validate_refuses_increments_from_a_source_that_cannot_make_them_in_one_line()
    {
        var plugins = await MariaDbHaPlugins.ComposeAsync(_job.Dir.Combine("ha-plugins"));
        var spec = _job.Dir.Combine("logical.yaml");
        await File.WriteAllTextAsync(spec, File.ReadAllText(Spec()).Replace("plugin: mariadb-backup", "plugin: mariadb-ha", StringComparison.Ordinal));

        var validate = await PublishedHost.RunAsync(["validate", "--spec", spec, "--plugins-dir", plugins]);

        validate.ExitCode.Should().Be(2, validate.StandardError);
        validate.ErrorLines().Should().ContainSingle().Which.Should().Contain("source plugin 'mariadb-ha' cannot make incremental backups");
    }

    private string Store => _job.Dir.Combine("store", "physical-inc");

    private string Spec(bool retention = true, string pipeline = "") =>
        _job.WriteSpec("physical-inc", $"incremental:\n  fullEvery: 2\n{(retention ? "retention: { keepLast: 1 }\n" : "")}{pipeline}\n");

    // Runs a backup and returns its id. Backup ids name the second they start in, and "the newest backup" is told by it:
    // a run waits until the second of the previous one is over, so the next run builds on the backup just made.
    private async Task<string> RunAsync(string spec)
    {
        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _job.PluginsDirectory]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var id = run.StandardOutput.Split(' ')[0];
        var started = DateTime.ParseExact(id.Split('-')[^2], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        while (DateTime.UtcNow < started.AddSeconds(1))
        {
            await Task.Delay(50);
        }

        return id;
    }

    private JsonElement Manifest(string id) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Store, $"{id}.manifest.json"))).RootElement;

    private JsonElement Metadata(string id) => Manifest(id).GetProperty("sourceMetadata");

    private IEnumerable<string> Ids() =>
        Directory.GetFiles(Store, "*.manifest.json").Select(f => Path.GetFileName(f)[..^".manifest.json".Length]);
}
