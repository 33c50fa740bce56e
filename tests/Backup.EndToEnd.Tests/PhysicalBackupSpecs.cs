using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// The <c>mariadb-backup</c> source through the published host, against the test server (whose datadir is local):
/// backup -> verify -> restore into a fresh data directory -> a scratch mariadbd started on it serves the same table.
/// </summary>
public sealed class PhysicalBackupSpecs : IAsyncLifetime
{
    private readonly PhysicalTestJob _job = new("backup-physical-", "phys_");

    public Task InitializeAsync() => _job.InitializeAsync();

    public Task DisposeAsync() => _job.DisposeAsync();

    // streaming: the mbstream goes straight from mariadb-backup into zstd and the store, no temp copy; the object is named
    // after the entry type the source declares (.mbstream.zst), and verify and restore find it by that name.
    [Theory]
    [InlineData("archive", "gzip", ".tar.gz")]
    [InlineData("streaming", "zstd", ".mbstream.zst")]
    public async Task A_physical_backup_restored_into_an_empty_datadir_starts_a_server_with_the_same_table(string mode, string compression, string suffix)
    {
        var spec = Spec($"pipeline:\n  mode: {mode}\n  compression: {compression}\n");
        var expected = await ChecksumAsync(TestServers.MariaDbPort);

        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _job.PluginsDirectory]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var manifest = await File.ReadAllTextAsync(Directory.GetFiles(_job.Dir.Combine("store", "physical"), "*.manifest.json").Single());
        manifest.Should().Contain("\"toLsn\"").And.Contain("\"serverVersion\"").And.Contain("backup.mbstream").And.NotContain(TestServers.MariaDbPassword);
        Directory.GetFiles(_job.Dir.Combine("store", "physical")).Select(Path.GetFileName).Where(n => !n!.EndsWith(".manifest.json", StringComparison.Ordinal))
            .Should().BeEquivalentTo([$"{Id(run)}{suffix}", $"{Id(run)}{suffix}.sha1"]);

        var verify = await PublishedHost.RunAsync(["verify", "--spec", spec, "--latest", "--plugins-dir", _job.PluginsDirectory]);
        verify.ExitCode.Should().Be(0, verify.StandardError);

        var datadir = _job.Dir.Combine("restored", "data");
        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory]);
        restore.ExitCode.Should().Be(0, restore.StandardError);
        // A streaming object is verified while it is extracted (the source discards a failed restore): one download, no
        // temp copy. A .tar.gz is verified first, from a staged copy.
        if (mode == "streaming")
        {
            restore.StandardOutput.Should().EndWith("temp used: 0 bytes\n");
            restore.StandardError.Should().Contain("verified while loading");
        }
        else
        {
            restore.StandardOutput.Should().NotContain("temp used: 0 bytes");
        }

        await using var server = await ScratchServer.StartAsync(datadir);
        (await ChecksumAsync(server.Port)).Should().Be(expected);
    }

    // Verified while extracting: a damaged object reaches mbstream before the damage is known, so the source must empty
    // the target again. A wrong .sha1 is the hardest case: the whole stream is intact and extracted, and only the object's
    // checksum, known after the last byte, fails; mbstream never sees the stream's end, and the directory is emptied.
    [Theory]
    [InlineData("a flipped byte", false)]
    [InlineData("a wrong .sha1", true)]
    public async Task A_damaged_streaming_backup_found_while_extracting_exits_7_in_one_line_and_leaves_the_datadir_as_it_was(string damage, bool datadirExists)
    {
        var spec = Spec("pipeline:\n  mode: streaming\n  compression: zstd\n");
        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _job.PluginsDirectory]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var stored = _job.Dir.Combine("store", "physical", $"{Id(run)}.mbstream.zst");
        if (damage == "a flipped byte")
        {
            var bytes = await File.ReadAllBytesAsync(stored);
            bytes[bytes.Length / 2] ^= 0x20;
            await File.WriteAllBytesAsync(stored, bytes);
        }
        else
        {
            await File.WriteAllTextAsync(stored + ".sha1", $"{new string('0', 40)}  {Path.GetFileName(stored)}\n");
        }

        var datadir = _job.Dir.Combine("restored", "data");
        if (datadirExists)
        {
            Directory.CreateDirectory(datadir);
        }

        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory]);

        restore.ExitCode.Should().Be(7, restore.StandardError);
        restore.ErrorLines().Should().ContainSingle().Which.Should().Contain(Id(run)).And.Contain("removes what it wrote into the target");
        restore.StandardError.Should().Contain("removed what it had written into");
        if (datadirExists)
        {
            Directory.GetFileSystemEntries(datadir).Should().BeEmpty();
        }
        else
        {
            Directory.Exists(datadir).Should().BeFalse();
        }
    }

    // SIGKILL (an OOM kill, a lost node) gives the restore no chance to clean up; it must still not leave a datadir a
    // server could start on. The wrapper is mariadb-backup, except that --prepare hangs: the host is killed at a known
    // point, with everything extracted and nothing prepared.
    [Fact]
    public async Task A_restore_killed_before_it_prepared_leaves_no_datadir_a_server_could_start_on_and_the_next_restore_names_it()
    {
        var preparing = _job.Dir.Combine("preparing.pid");
        var wrapper = _job.Dir.Combine("mariadb-backup-hangs-in-prepare");
        await File.WriteAllTextAsync(wrapper, $$"""
            #!/bin/sh
            if [ "$1" = --prepare ]; then echo $$ > {{preparing}}.new; mv {{preparing}}.new {{preparing}}; exec sleep 300; fi
            exec mariadb-backup "$@"

            """);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var spec = Spec("pipeline:\n  mode: streaming\n  compression: zstd\n", backupCommand: wrapper);
        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _job.PluginsDirectory]);
        run.ExitCode.Should().Be(0, run.StandardError);
        var datadir = _job.Dir.Combine("restored", "data");

        await using (var restore = await BackgroundHost.StartAsync("restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory))
        {
            await restore.WaitUntilAsync(() => File.Exists(preparing), "the restore to reach --prepare");
            await restore.KillAsync();
        }

        // The killed host's child lives on (nobody was left to stop it).
        using (var orphan = System.Diagnostics.Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(preparing))))
        {
            orphan.Kill();
        }

        var incomplete = Path.Combine(datadir, ".restore-incomplete");
        Directory.GetFileSystemEntries(datadir).Should().Equal([incomplete], "nothing a server could start on is at the top of the datadir");
        File.Exists(Path.Combine(incomplete, "ibdata1")).Should().BeTrue("the whole backup was extracted before the kill");

        var again = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory]);

        again.ExitCode.Should().Be(8, again.StandardError);
        again.ErrorLines().Should().ContainSingle().Which.Should().Contain("interrupted restore").And.Contain(incomplete);
    }

    [Fact]
    public async Task A_restore_into_a_datadir_that_is_not_empty_exits_8_in_one_line_and_writes_nothing()
    {
        var spec = Spec();
        (await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _job.PluginsDirectory])).ExitCode.Should().Be(0);
        var datadir = _job.Dir.Combine("occupied");
        Directory.CreateDirectory(datadir);
        await File.WriteAllTextAsync(Path.Combine(datadir, "ibdata1"), "someone else's server");

        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory]);

        restore.ExitCode.Should().Be(8, restore.StandardError);
        restore.ErrorLines().Should().ContainSingle().Which.Should().Contain("not empty");
        Directory.GetFileSystemEntries(datadir).Should().ContainSingle();
    }

    [Fact]
    public async Task A_restore_with_a_mariadb_backup_of_another_major_minor_exits_8_in_one_line_and_writes_nothing()
    {
        (await PublishedHost.RunAsync(["run", "--spec", Spec(), "--plugins-dir", _job.PluginsDirectory])).ExitCode.Should().Be(0);
        // A mariadb-backup that says it is 10.6, as an older image would carry.
        var older = _job.Dir.Combine("mariadb-backup-10.6");
        await File.WriteAllTextAsync(older, "#!/bin/sh\necho 'mariadb-backup based on MariaDB server 10.6.21-MariaDB debian-linux-gnu (x86_64)' >&2\n");
        File.SetUnixFileMode(older, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var spec = Spec(backupCommand: older);
        var datadir = _job.Dir.Combine("restored", "data");

        var restore = await PublishedHost.RunAsync(["restore", "--spec", spec, "--latest", "--target-datadir", datadir, "--plugins-dir", _job.PluginsDirectory]);

        restore.ExitCode.Should().Be(8, restore.StandardError);
        restore.ErrorLines().Should().ContainSingle().Which.Should().Contain("10.11").And.Contain("10.6");
        Directory.Exists(datadir).Should().BeFalse();
    }

    [Fact]
    public async Task A_backup_with_a_wrong_password_exits_4_in_one_line_with_the_server_s_reason_and_stores_nothing()
    {
        var spec = Spec();

        var run = await PublishedHost.RunAsync(
            ["run", "--spec", spec, "--plugins-dir", _job.PluginsDirectory],
            new Dictionary<string, string?> { [TestServers.MariaDbPasswordVariable] = "not-the-password" });

        run.ExitCode.Should().Be(4, run.StandardError);
        run.ErrorLines().Should().ContainSingle().Which.Should().Contain("Access denied").And.NotContain("not-the-password");
        (Directory.Exists(_job.Dir.Combine("store")) ? Directory.GetFiles(_job.Dir.Combine("store"), "*", SearchOption.AllDirectories) : []).Should().BeEmpty();
    }

    private static string Id(CliWrap.Buffered.BufferedCommandResult run) => run.StandardOutput.Split(' ')[0];

    private string Spec(string extra = "", string? backupCommand = null) => _job.WriteSpec("physical", extra, backupCommand);

    private Task<string> ChecksumAsync(int port) => ScratchServer.ChecksumAsync(port, $"{_job.Database}.orders");
}
