using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Backup.Abstractions;
using CliWrap.Buffered;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Xunit;

namespace Backup.Testing;

/// <summary>
/// What a user of a storage plugin sees through the published <c>backup</c> process: a stored backup, one clear line and
/// exit code 5 for a missing container or bad credentials, nothing at the key after a SIGKILL, and a real MariaDB
/// backup that reads back byte for byte. Inherit it once per storage plugin with that plugin's real server.
/// </summary>
/// <remarks>
/// Objects are read back through the plugin's own <see cref="IReadableBackupStorage"/>, created as the host creates it;
/// each test works under its own artifact prefix, so tests may share one bucket/container.
/// </remarks>
public abstract partial class HostStorageSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>An artifact prefix unique to this test.</summary>
    protected string Prefix { get; } = $"host-{Guid.NewGuid():N}";

    /// <summary>The plugin's folder name in the published host, e.g. <c>Backup.Plugins.Azure</c>.</summary>
    protected abstract string PluginFolder { get; }

    /// <summary>The plugin's entry type, used to read back what the host stored.</summary>
    protected abstract IBackupStoragePlugin Plugin { get; }

    /// <summary>The plugin's name in a spec, e.g. <c>azure</c>.</summary>
    protected string PluginName => Plugin.Name;

    /// <summary>Settings and environment of a working storage.</summary>
    protected abstract StorageCase Working { get; }

    /// <summary>A storage whose bucket/container does not exist.</summary>
    protected abstract StorageCase MissingContainer { get; }

    /// <summary>A storage whose credentials the server refuses; its <see cref="StorageCase.Secret"/> must not appear in any output.</summary>
    protected abstract StorageCase BadCredentials { get; }

    /// <summary>The content type and <c>sha1</c> metadata stored with an object, as the provider reports them.</summary>
    protected abstract Task<(string ContentType, string? Sha1)> ReadPropertiesAsync(string key);

    /// <summary>Where the provider's own tools find the object at <paramref name="key"/> of the working storage (what the host must print).</summary>
    protected abstract string ExpectedLocationOf(string key);

    /// <summary>The storage's <see cref="IBackupStorage.Location"/> when reached through 127.0.0.1:<paramref name="port"/> (a proxy).</summary>
    protected abstract string LocationThrough(int port);

    /// <summary>The port of the storage's server on 127.0.0.1.</summary>
    protected abstract int ServerPort { get; }

    /// <summary>The working storage reached through 127.0.0.1:<paramref name="port"/> (a proxy in front of its server).</summary>
    protected abstract StorageCase Through(int port);

    /// <summary>Whether an upload of an object under <paramref name="prefix"/> has sent bytes but not finished (uncommitted blocks, an open resumable session).</summary>
    protected abstract Task<bool> UploadInProgressAsync(string prefix);

    [Fact]
    public async Task A_backup_run_by_the_host_is_stored_with_content_types_and_the_checksum_object_carries_the_sha1_as_metadata()
    {
        var spec = WriteSpec(Working, FakeSource("entries: 2\n    bytes: 300000"));

        var result = await RunAsync(spec, Working, await FakeAndStoragePluginsAsync());

        result.ExitCode.Should().Be(0, result.StandardError);
        var objects = await ListAsync();
        result.StandardOutput.Split(' ')[1].Should().Be(ExpectedLocationOf(objects.Single(o => o.Key.EndsWith(".tar.gz")).Key), "the host prints where the archive really is");
        objects.Select(o => o.Key).Should().HaveCount(3).And.Contain(k => k.EndsWith(".tar.gz")).And.Contain(k => k.EndsWith(".tar.gz.sha1")).And.Contain(k => k.EndsWith(".manifest.json"));
        var archive = objects.Single(o => o.Key.EndsWith(".tar.gz")).Key;
        var sha1 = await VerifyArchiveAsync(archive);
        // The archive streams into the storage while it is hashed, so its own SHA-1 is known only after its upload:
        // the checksum object and the manifest beside it carry it as metadata.
        (await ReadPropertiesAsync(archive)).Item1.Should().Be("application/gzip");
        (await ReadPropertiesAsync(archive + ".sha1")).Should().Be(("text/plain", sha1));
    }

    [Fact]
    public async Task A_run_whose_storage_freezes_mid_upload_fails_with_exit_5_naming_the_stalled_storage()
    {
        // The real server behind a proxy that stops moving bytes after 10 MB, as a SIGSTOPped server would.
        await using var proxy = new FreezableTcpProxy(ServerPort);
        var frozen = proxy.FreezeWhen(p => p.BytesToServer > 10_000_000);
        var storage = Through(proxy.Port);
        var spec = WriteSpec(storage, FakeSource("entries: 1\n    bytes: 60000000"));
        await File.AppendAllTextAsync(spec, "\npipeline:\n  stallTimeoutSeconds: 3\n");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var result = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", await FakeAndStoragePluginsAsync()], storage.Environment, deadline.Token);

        frozen.IsCompleted.Should().BeTrue("the storage froze mid-upload");
        result.ExitCode.Should().Be(5, result.StandardError);
        ErrorLines(result).Should().ContainSingle().Which.Should()
            .StartWith($"error: storage '{PluginName}' (").And.Contain(") stalled while streaming ").And.Contain("no data moved for 3 s");
        proxy.Thaw();
        (await ListAsync()).Should().BeEmpty("nothing of a stalled run may be visible at a key");
    }

    [Fact]
    public async Task A_missing_container_fails_the_pre_flight_with_exit_5_and_one_line_naming_it_before_the_source_starts()
    {
        var marker = _dir.Combine("source-started");
        var spec = WriteSpec(MissingContainer, FakeSource($"markerFile: {marker}"));

        var result = await RunAsync(spec, MissingContainer, await FakeAndStoragePluginsAsync());

        result.ExitCode.Should().Be(5, result.StandardError);
        ErrorLines(result).Should().ContainSingle().Which.Should().StartWith("error: pre-flight: ").And.Contain(MissingContainer.Container).And.EndWith("; nothing was backed up");
        result.StandardError.Should().NotContain("   at ");
        File.Exists(marker).Should().BeFalse("the source must not start when the storage's target is missing");
    }

    [Fact]
    public async Task Bad_credentials_exit_with_code_5_and_one_line_that_does_not_show_the_secret()
    {
        var spec = WriteSpec(BadCredentials, FakeSource("entries: 1"));

        var result = await RunAsync(spec, BadCredentials, await FakeAndStoragePluginsAsync());

        // Refused at pre-flight when the server rejects the credential itself; a credential that is accepted but may not
        // list (write-only) passes the pre-flight by design and is refused at the upload.
        result.ExitCode.Should().Be(5, result.StandardError);
        ErrorLines(result).Should().ContainSingle().Which.Should().Contain("access denied");
        result.StandardError.Should().NotContain("   at ");
        if (BadCredentials.Secret is { } secret)
        {
            (result.StandardError + result.StandardOutput).Should().NotContain(secret);
        }
    }

    [Fact]
    public async Task A_storage_that_does_not_answer_fails_the_pre_flight_with_exit_5_within_the_stall_timeout_before_the_source_starts()
    {
        // The real server behind a proxy frozen from the first byte: connections are accepted, nothing comes back.
        await using var proxy = new FreezableTcpProxy(ServerPort);
        proxy.Freeze();
        var storage = Through(proxy.Port);
        var marker = _dir.Combine("source-started");
        var spec = WriteSpec(storage, FakeSource($"markerFile: {marker}"));
        await File.AppendAllTextAsync(spec, "\npipeline:\n  stallTimeoutSeconds: 3\n");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var result = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", await FakeAndStoragePluginsAsync()], storage.Environment, deadline.Token);

        result.ExitCode.Should().Be(5, result.StandardError);
        ErrorLines(result).Should().ContainSingle().Which.Should()
            .Be($"error: pre-flight: storage '{PluginName}' ({LocationThrough(proxy.Port)}) did not answer within 3 s; nothing was backed up");
        File.Exists(marker).Should().BeFalse("the source must not start before the storage answered");
    }

    [Fact]
    public async Task Validate_online_runs_the_pre_flight_check_of_a_working_storage_and_of_a_missing_container()
    {
        var plugins = await FakeAndStoragePluginsAsync();
        var working = WriteSpec(Working, FakeSource("entries: 1"));

        var passed = await PublishedHost.RunAsync(["validate", "--online", "--spec", working, "--plugins-dir", plugins], Working.Environment);

        passed.ExitCode.Should().Be(0, passed.StandardError);
        passed.StandardOutput.Should().Contain("; storage pre-flight check passed");

        var missing = WriteSpec(MissingContainer, FakeSource("entries: 1"));
        var offline = await PublishedHost.RunAsync(["validate", "--spec", missing, "--plugins-dir", plugins], MissingContainer.Environment);
        var online = await PublishedHost.RunAsync(["validate", "--online", "--spec", missing, "--plugins-dir", plugins], MissingContainer.Environment);

        offline.ExitCode.Should().Be(0, "without --online validate touches no storage");
        online.ExitCode.Should().Be(5, online.StandardError);
        ErrorLines(online).Should().ContainSingle().Which.Should().StartWith("error: pre-flight: ").And.Contain(MissingContainer.Container);
    }

    [Fact]
    public async Task A_host_killed_during_the_upload_leaves_nothing_at_the_key()
    {
        // 80 MB of random bytes does not compress, so the archive is that big and its upload takes a while.
        var spec = WriteSpec(Working with { Settings = SlowUpload(Working.Settings) }, FakeSource("entries: 1\n    bytes: 80000000"));
        using var process = Process.Start(await StartInfoAsync(spec, Working, await FakeAndStoragePluginsAsync()))!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!process.HasExited && DateTime.UtcNow < deadline && !await UploadInProgressAsync(Prefix + "/"))
            {
                await Task.Delay(20);
            }

            process.HasExited.Should().BeFalse("the host must still be uploading when it is killed");
            DateTime.UtcNow.Should().BeBefore(deadline, "the upload must have started");
            process.Kill();
            await process.WaitForExitAsync();

            (await ListAsync()).Should().BeEmpty("a killed upload must leave nothing at the key");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await stderr;
        }
    }

    [Fact]
    public async Task A_real_MariaDB_backup_is_stored_and_reads_back_byte_for_byte()
    {
        var database = $"storage_e2e_{PluginName.Replace('-', '_')}";
        var marker = $"marker-{Guid.NewGuid():N}";
        await TestServers.ExecuteAsync($"DROP DATABASE IF EXISTS {database}");
        await TestServers.ExecuteAsync($"CREATE DATABASE {database}");
        await TestServers.ExecuteAsync($"CREATE TABLE {database}.notes (id INT PRIMARY KEY, note VARCHAR(100))");
        await TestServers.ExecuteAsync($"INSERT INTO {database}.notes VALUES (1, @marker)", ("@marker", marker));
        try
        {
            var source = TestServers.MariaDbHaSource;
            var plugins = PublishedHost.ComposePluginsDirectory(_dir.Combine("real"), await PublishedHost.PluginFolderAsync("Backup.Plugins.MariaDbHa"), await PublishedHost.PluginFolderAsync(PluginFolder));
            var spec = WriteSpec(Working, source);

            var result = await RunAsync(spec, Working, plugins);

            result.ExitCode.Should().Be(0, result.StandardError);
            var archive = (await ListAsync()).Select(o => o.Key).Should().ContainSingle(k => k.EndsWith(".tar.gz")).Subject;
            await VerifyArchiveAsync(archive, dump => dump.Should().Contain(marker).And.Contain("-- Dump completed"));
        }
        finally
        {
            await TestServers.ExecuteAsync($"DROP DATABASE IF EXISTS {database}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Settings that make the upload slow enough to be caught in the middle (small blocks/chunks, one at a time).</summary>
    protected abstract IReadOnlyDictionary<string, string> SlowUpload(IReadOnlyDictionary<string, string> settings);

    /// <summary>The spec's source section for the <c>fake</c> test source with <paramref name="settings"/>.</summary>
    protected static string FakeSource(string settings) => $"plugin: fake\n  settings:\n    {settings}";

    /// <summary>A plugins directory with the fake source and this storage plugin.</summary>
    protected async Task<string> FakeAndStoragePluginsAsync() =>
        PublishedHost.ComposePluginsDirectory(_dir.Combine("fake"), await PublishedHost.FakeSourcePluginAsync(), await PublishedHost.PluginFolderAsync(PluginFolder));

    /// <summary>Writes a job spec for <paramref name="storage"/> and <paramref name="source"/> under this test's prefix; returns its path.</summary>
    protected string WriteSpec(StorageCase storage, string source)
    {
        var settings = string.Join("\n", storage.Settings.Select(s => $"    {s.Key}: '{s.Value.Replace("'", "''")}'"));
        var path = _dir.Combine("job.yaml");
        File.WriteAllText(path, $"""
            name: e2e
            source:
              {source}
            storage:
              plugin: {PluginName}
              settings:
            {settings}
            artifact:
              prefix: {Prefix}
            tempDirectory: {_dir.Combine("tmp")}
            """);
        return path;
    }

    private static async Task<ProcessStartInfo> StartInfoAsync(string spec, StorageCase storage, string pluginsDirectory)
    {
        var info = new ProcessStartInfo(Path.Combine(await PublishedHost.DirectoryAsync(), "backup"))
        {
            ArgumentList = { "run", "--spec", spec, "--plugins-dir", pluginsDirectory },
            RedirectStandardError = true,
            RedirectStandardOutput = false,
        };
        foreach (var (name, value) in storage.Environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    /// <summary>Runs <c>backup run</c> of <paramref name="spec"/> in the published host with <paramref name="storage"/>'s environment.</summary>
    protected static async Task<BufferedCommandResult> RunAsync(string spec, StorageCase storage, string pluginsDirectory) =>
        await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", pluginsDirectory], storage.Environment);

    private IReadableBackupStorage Reader()
    {
        var settings = SettingsBuilder.From(Working.Settings.ToDictionary(s => s.Key, s => (object)s.Value), "storage.settings");
        foreach (var (name, value) in Working.Environment)
        {
            // The working storage's variables (e.g. a connection string's) must be visible to the plugin in this process too.
            Environment.SetEnvironmentVariable(name, value);
        }

        return (IReadableBackupStorage)Plugin.CreateStorage(new PluginContext(settings, NullLoggerFactory.Instance));
    }

    private async Task<List<StoredObject>> ListAsync()
    {
        var list = new List<StoredObject>();
        await foreach (var stored in Reader().ListAsync(Prefix + "/", default))
        {
            list.Add(stored);
        }

        return list;
    }

    /// <summary>Downloads the archive, checks it against its .sha1 object, extracts its entries; returns the SHA-1.</summary>
    private async Task<string> VerifyArchiveAsync(string key, Action<string>? checkDump = null)
    {
        var reader = Reader();
        var local = _dir.Combine("downloaded.tar.gz");
        await using (var stream = await reader.OpenReadAsync(key, default))
        await using (var file = File.Create(local))
        {
            await stream.CopyToAsync(file);
        }

        var sha1 = Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(local)));
        await using (var checksum = await reader.OpenReadAsync(key + ".sha1", default))
        {
            (await new StreamReader(checksum).ReadToEndAsync()).Should().Be($"{sha1}  {Path.GetFileName(key)}\n", "the stored bytes must be exactly those the host hashed");
        }

        foreach (var (name, content) in await ArchiveContent.ReadAsync(local))
        {
            if (name.EndsWith(".sql", StringComparison.Ordinal) && checkDump is not null)
            {
                checkDump(System.Text.Encoding.UTF8.GetString(content));
            }
        }

        return sha1;
    }

    private static List<string> ErrorLines(BufferedCommandResult result) =>
        result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
}
