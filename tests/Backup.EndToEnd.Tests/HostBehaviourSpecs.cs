using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>The published host run as a process with plugins it was not compiled against: pipeline, exit codes, clean-up.</summary>
public sealed class HostBehaviourSpecs(HostFixture host) : IClassFixture<HostFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    private string StorageRoot => _dir.Combine("store");

    [Fact]
    public async Task I_can_run_a_backup_with_plugins_the_host_was_not_compiled_against()
    {
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, "entries: 2\n    bytes: 300000");

        var result = await Run("run", "--spec", spec);

        result.ExitCode.Should().Be(0, result.StandardError);
        var files = Directory.GetFiles(Path.Combine(StorageRoot, "mariadb-ha-backup")).Select(Path.GetFileName).ToList();
        files.Should().HaveCount(3).And.Contain(f => f!.EndsWith(".tar.gz")).And.Contain(f => f!.EndsWith(".tar.gz.sha1")).And.Contain(f => f!.EndsWith(".manifest.json"));
        var archive = Directory.GetFiles(Path.Combine(StorageRoot, "mariadb-ha-backup"), "*.tar.gz").Single();
        Path.GetFileName(archive).Should().MatchRegex(@"^e2e-\d{8}T\d{6}Z-[0-9a-f]{6}\.tar\.gz$");

        var sha1Line = await File.ReadAllTextAsync(archive + ".sha1");
        var actual = Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(archive)));
        sha1Line.Should().Be($"{actual}  {Path.GetFileName(archive)}\n");

        var names = new List<string>();
        await using (var tar = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress)))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name);
                if (entry.Name == "entry-1.bin.000000")
                {
                    entry.Length.Should().Be(300000);
                }
            }
        }

        names.Should().Equal("entry-0.bin.000000", "entry-1.bin.000000", "manifest.json");
        Directory.GetFileSystemEntries(_dir.Combine("tmp")).Should().BeEmpty("the run's temp dir is removed after success");
    }

    [Fact]
    public async Task Validate_checks_the_spec_and_plugins_without_running_anything()
    {
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot);

        var result = await Run("validate", "--spec", spec);

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardOutput.Should().Contain("job 'e2e' is valid");
        Directory.Exists(StorageRoot).Should().BeFalse();
    }

    [Theory]
    [InlineData("name: [broken\n", @"job\.yaml:\d+:\d+: invalid YAML")]
    [InlineData("name: x\nsource: {plugin: fake}\nstorage: {plugin: local, settings: {path: /tmp/x}}\ncolour: blue\n", @"job\.yaml:4:1: unknown key 'colour'")]
    [InlineData("name: x\nsource: {plugin: fake}\nstorage: {plugin: local}\n", @"job\.yaml:3:\d+: storage\.settings\.path is required")]
    [InlineData("name: x\nsource: {plugin: fake}\nstorage: {plugin: local, settings: {path: '${BACKUP_TEST_UNSET_VARIABLE}'}}\n", @"job\.yaml:3:\d+: storage\.settings\.path: environment variable BACKUP_TEST_UNSET_VARIABLE is not set")]
    [InlineData("name: x\nsource: {plugin: mysql}\nstorage: {plugin: local, settings: {path: /tmp/x}}\n", @"job\.yaml:2:\d+: source\.plugin 'mysql' is not installed in .*; installed source plugins: fake")]
    [InlineData("name: x\nsource: {plugin: fake, settings: {entries: many}}\nstorage: {plugin: local, settings: {path: /tmp/x}}\n", @"job\.yaml:2:\d+: source\.settings\.entries must be an integer, not 'many'")]
    [InlineData("name: x\nsource: {plugin: fake, settings: {entriez: 2}}\nstorage: {plugin: local, settings: {path: /tmp/x}}\n", @"job\.yaml:2:\d+: source\.settings\.entriez is not a setting of plugin 'fake'")]
    public async Task A_wrong_spec_is_reported_as_one_clear_line_with_exit_code_2(string yaml, string expectedLine)
    {
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, yaml);

        var result = await Run("run", "--spec", spec);

        result.ExitCode.Should().Be(2);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle().Which.Should().MatchRegex("^error: .*" + expectedLine);
        result.StandardError.Should().NotContain("   at ");
    }

    [Fact]
    public async Task A_failing_source_fails_the_run_with_exit_code_4_and_stores_nothing()
    {
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, "behaviour: fail");

        var result = await Run("run", "--spec", spec);

        result.ExitCode.Should().Be(4);
        result.StandardError.Should().Contain("error: fake source failed as asked");
        Directory.Exists(StorageRoot).Should().BeFalse();
        Directory.GetFileSystemEntries(_dir.Combine("tmp")).Should().BeEmpty();
    }

    [Fact]
    public async Task An_unexpected_exception_in_a_plugin_is_one_line_naming_the_stage_not_a_stack_trace()
    {
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, "behaviour: crash");

        var result = await Run("run", "--spec", spec);

        result.ExitCode.Should().Be(4);
        ErrorLines(result).Should().Equal("error: source 'fake' failed unexpectedly: InvalidOperationException: fake source crashed as asked");
        result.StandardError.Should().NotContain("   at ");
    }

    [Fact]
    public async Task A_source_that_writes_nothing_is_a_failure_not_an_empty_backup()
    {
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, "behaviour: empty");

        var result = await Run("run", "--spec", spec);

        result.ExitCode.Should().Be(4);
        result.StandardError.Should().Contain("without writing any entry");
        Directory.Exists(StorageRoot).Should().BeFalse();
    }

    [Fact]
    public async Task An_unwritable_storage_fails_the_pre_flight_with_exit_code_5_before_the_source_starts_and_leaves_nothing_behind()
    {
        // The storage root is a file, so nothing can be created under it.
        await File.WriteAllTextAsync(StorageRoot, "not a directory");
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot);

        var result = await Run("run", "--spec", spec);

        result.ExitCode.Should().Be(5);
        ErrorLines(result).Should().ContainSingle().Which.Should().StartWith($"error: pre-flight: local storage: cannot write under {StorageRoot}: ").And.EndWith("; nothing was backed up");
        var temp = _dir.Combine("tmp");
        (Directory.Exists(temp) ? Directory.GetFileSystemEntries(temp) : []).Should().BeEmpty();
    }

    [Fact]
    public async Task SIGTERM_during_a_run_removes_the_temp_dir_and_exits_with_code_143()
    {
        var marker = _dir.Combine("started");
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, $"behaviour: hang\n    markerFile: {marker}");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path.Combine(await PublishedHost.DirectoryAsync(), "backup"))
        {
            ArgumentList = { "run", "--spec", spec, "--plugins-dir", host.PluginsDirectory },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The marker may exist before its content is written: wait for the content, not the file.
        while (!(File.Exists(marker) && new FileInfo(marker).Length > 0) && DateTime.UtcNow < deadline && !process.HasExited)
        {
            await Task.Delay(50);
        }

        var workDirectory = await File.ReadAllTextAsync(marker);
        Directory.Exists(workDirectory).Should().BeTrue("the run is in progress");
        Signals.Terminate(process.Id);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        process.ExitCode.Should().Be(143, await stderr);
        Directory.Exists(workDirectory).Should().BeFalse("the temp dir is removed on SIGTERM");
        Directory.GetFileSystemEntries(_dir.Combine("tmp")).Should().BeEmpty();
        Directory.Exists(StorageRoot).Should().BeFalse();
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The user-facing error lines; everything else on stderr is the log.</summary>
    private static List<string> ErrorLines(CliWrap.Buffered.BufferedCommandResult result) =>
        result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_run_past_its_time_limit_is_stopped_with_one_line_naming_the_limit()
    {
        // 20 GB would take minutes; bytes keep moving, so only the overall limit can stop it.
        var spec = JobSpecFile.Write(_dir.Path, StorageRoot, "entries: 1\n    bytes: 20000000000", "pipeline:\n  mode: streaming\n  level: fastest\n  timeoutSeconds: 2");

        var result = await Run("run", "--spec", spec);

        result.ExitCode.Should().BeOneOf([4, 5], result.StandardError);
        result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().MatchRegex("^error: (source 'fake'|storage 'local' \\(.*\\)) stalled while streaming .*: the run took longer than pipeline.timeoutSeconds 2;");
        Directory.GetFiles(StorageRoot, "*", SearchOption.AllDirectories).Should().BeEmpty("a stopped run stores nothing");
    }

    private Task<CliWrap.Buffered.BufferedCommandResult> Run(params string[] arguments) =>
        PublishedHost.RunAsync([.. arguments, "--plugins-dir", host.PluginsDirectory]);
}
