using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>
/// SIGKILL (an OOM kill, a lost node) gives the host no chance to clean up: its temp directory keeps the chunk of the dump it was filling
/// and the local storage keeps the hidden partial file. The next run and <c>prune</c> remove what dead runs left, and
/// never what a live concurrent run is writing. Each case waits for the killed run to be in its phase, not for a time.
/// </summary>
public sealed class KilledRunSpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    // One thread, 1 MiB blocks: of the 5 MB entry below, the first blocks have reached the upload's partial file.
    private const string Streaming = "pipeline:\n  mode: streaming\n  threads: 1\n  blockSizeMiB: 1";

    // Random bytes, far more than the temp file's 64 KiB write buffer, so part of the entry is on disk while the source hangs.
    private const string Hang = "behaviour: hang\n    bytes: 5000000";

    private readonly TempDir _dir = new();

    private string StorageRoot => _dir.Combine("store");

    private string StoredDirectory => Path.Combine(StorageRoot, "mariadb-ha-backup");

    private string Temp => _dir.Combine("tmp");

    public void Dispose() => _dir.Dispose();

    // Every run is started before any is killed: a run that starts after a kill would already clean up after it.
    [Fact]
    public async Task A_run_killed_while_dumping_leaves_its_partial_dump_which_the_next_run_removes_but_a_live_runs_is_kept()
    {
        await using var dead = await StartAsync("dead", Hang);
        var deadDump = await WaitForPartialDumpAsync(dead, "dead");
        await using var live = await StartAsync("live", Hang);
        var liveDump = await WaitForPartialDumpAsync(live, "live");
        var (deadDirectory, deadBytes) = await KillWhileDumpingAsync(dead, deadDump);

        var next = await RunAsync("run", Spec("next", "entries: 1"));

        next.ExitCode.Should().Be(0, next.StandardError);
        Directory.Exists(deadDirectory).Should().BeFalse("the next run removes a dead run's directory");
        next.StandardError.Should().Contain($"Removed the temp directory {deadDirectory} of a dead run ({deadBytes:N0} bytes)");
        File.Exists(liveDump).Should().BeTrue("a live run's directory is never touched");
        (await live.TerminateAsync()).ExitCode.Should().Be(143, "the live run was undisturbed until now");
        Directory.GetFileSystemEntries(Temp).Should().BeEmpty();
    }

    [Fact]
    public async Task A_run_killed_while_uploading_leaves_a_partial_file_which_the_next_run_removes_but_a_live_uploads_is_kept()
    {
        await using var dead = await StartAsync("dead", Hang, Streaming);
        var deadPartial = await WaitForPartialUploadAsync(dead, "dead", except: null);
        await using var live = await StartAsync("live", Hang, Streaming);
        var livePartial = await WaitForPartialUploadAsync(live, "live", except: deadPartial);
        var (deadBytes, deadTemp) = await KillWhileUploadingAsync(dead, "dead", deadPartial);

        var next = await RunAsync("run", Spec("next", "entries: 1"));

        next.ExitCode.Should().Be(0, next.StandardError);
        File.Exists(deadPartial).Should().BeFalse("the next upload into the directory removes a dead upload's partial file");
        next.StandardError.Should().Contain($"Removed {deadPartial}, left by an upload that was killed ({deadBytes:N0} bytes)");
        Directory.Exists(deadTemp).Should().BeFalse();
        File.Exists(livePartial).Should().BeTrue("a live upload's partial file is never touched");
        (await live.TerminateAsync()).ExitCode.Should().Be(143);
        Directory.GetFiles(StoredDirectory, ".*").Should().BeEmpty("the live run removed its own partial file on SIGTERM");
    }

    [Fact]
    public async Task Prune_removes_what_killed_runs_left_in_the_temp_directory_and_the_storage_but_not_what_a_live_run_is_writing()
    {
        foreach (var id in new[] { "e2e-20240101T000000Z", "e2e-20240102T000000Z" })
        {
            Directory.CreateDirectory(StoredDirectory);
            await File.WriteAllBytesAsync(Path.Combine(StoredDirectory, $"{id}.tar.gz"), [1]);
            await File.WriteAllTextAsync(Path.Combine(StoredDirectory, $"{id}.tar.gz.sha1"), $"{new string('0', 40)}  {id}.tar.gz\n");
        }

        await using var deadDumping = await StartAsync("dead-dumping", Hang);
        var deadDump = await WaitForPartialDumpAsync(deadDumping, "dead-dumping");
        await using var deadUploading = await StartAsync("dead-uploading", Hang, Streaming);
        var deadPartial = await WaitForPartialUploadAsync(deadUploading, "dead-uploading", except: null);
        await using var live = await StartAsync("live", Hang, Streaming);
        var livePartial = await WaitForPartialUploadAsync(live, "live", except: deadPartial);
        var (deadDumpDirectory, _) = await KillWhileDumpingAsync(deadDumping, deadDump);
        var (_, deadUploadTemp) = await KillWhileUploadingAsync(deadUploading, "dead-uploading", deadPartial);

        var prune = await RunAsync("prune", Spec("prune", "entries: 1", "retention:\n  keepLast: 1"));

        prune.ExitCode.Should().Be(0, prune.StandardError);
        prune.StandardOutput.Should().Contain("removed      e2e-20240101T000000Z");
        Directory.Exists(deadDumpDirectory).Should().BeFalse();
        Directory.Exists(deadUploadTemp).Should().BeFalse();
        File.Exists(deadPartial).Should().BeFalse("prune's delete in the directory removes a dead upload's partial file");
        File.Exists(livePartial).Should().BeTrue();
        Directory.GetDirectories(Temp).Should().ContainSingle("only the live run's directory is left");
        (await live.TerminateAsync()).ExitCode.Should().Be(143);
    }

    /// <summary>SIGKILLs an archive-mode run that is dumping; returns its directory and the size of the partial dump it leaves.</summary>
    private static async Task<(string Directory, long Bytes)> KillWhileDumpingAsync(BackgroundHost run, string partialDump)
    {
        await run.KillAsync();

        var bytes = new FileInfo(partialDump).Length;
        bytes.Should().BeGreaterThan(0, "SIGKILL leaves the partial dump behind");
        return (Path.GetDirectoryName(Path.GetDirectoryName(partialDump))!, bytes);
    }

    /// <summary>SIGKILLs a streaming run that is uploading; returns the size of the partial file it leaves and its temp directory.</summary>
    private async Task<(long Bytes, string Temp)> KillWhileUploadingAsync(BackgroundHost run, string name, string partial)
    {
        var temp = Path.GetDirectoryName(await File.ReadAllTextAsync(Marker(name)))!;
        await run.KillAsync();

        var bytes = new FileInfo(partial).Length;
        bytes.Should().BeGreaterThan(0, "SIGKILL leaves the upload's partial file behind");
        Directory.Exists(temp).Should().BeTrue("SIGKILL leaves the temp directory behind");
        return (bytes, temp);
    }

    /// <summary>Waits until the run's source has written its first block to <c>entries/entry-0.bin</c>; returns that file.</summary>
    private async Task<string> WaitForPartialDumpAsync(BackgroundHost run, string name)
    {
        string? dump = null;
        await run.WaitUntilAsync(
            () => File.Exists(Marker(name))
                && new FileInfo(dump = Path.Combine(Path.GetDirectoryName(File.ReadAllText(Marker(name)))!, "chunks", "chunk-0")).Exists
                && new FileInfo(dump).Length > 0,
            $"run '{name}' wrote part of its dump");
        return dump!;
    }

    /// <summary>Waits until run <paramref name="name"/>'s source runs and bytes have reached a partial upload file (other than <paramref name="except"/>) in the storage directory; returns it.</summary>
    private async Task<string> WaitForPartialUploadAsync(BackgroundHost run, string name, string? except)
    {
        string? partial = null;
        // The upload opens its partial file before the source starts; the marker says the source is running too.
        await run.WaitUntilAsync(
            () => (partial = Directory.Exists(StoredDirectory) ? Directory.GetFiles(StoredDirectory, ".e2e-*.partial-*").FirstOrDefault(p => p != except) : null) is not null
                && File.Exists(Marker(name))
                && new FileInfo(partial).Length > 0,
            $"run '{name}' is uploading");
        return partial!;
    }

    private string Marker(string name) => _dir.Combine($"{name}.marker");

    /// <summary>A spec in its own directory; all runs share the temp directory and the storage.</summary>
    private string Spec(string name, string sourceSettings, string extra = "") =>
        JobSpecFile.Write(Directory.CreateDirectory(_dir.Combine(name)).FullName, StorageRoot, $"{sourceSettings}\n    markerFile: {Marker(name)}", extra, Temp);

    private Task<BackgroundHost> StartAsync(string name, string sourceSettings, string extra = "") =>
        BackgroundHost.StartAsync("run", "--spec", Spec(name, sourceSettings, extra), "--plugins-dir", host.PluginsDirectory);

    private Task<BufferedCommandResult> RunAsync(string command, string spec) =>
        PublishedHost.RunAsync([command, "--spec", spec, "--plugins-dir", host.PluginsDirectory]);
}
