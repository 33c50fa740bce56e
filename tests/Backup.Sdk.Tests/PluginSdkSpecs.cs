using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Backup.Sdk.Tests.Support;
using Backup.Testing;
using CliWrap.Buffered;
using Xunit.Abstractions;

namespace Backup.Sdk.Tests;

/// <summary>A third-party plugin, built only against the packed contract, dropped into the published host: loaded, run, or refused.</summary>
[Collection(SdkCollection.Name)]
public sealed class PluginSdkSpecs(SdkFixture sdk, ITestOutputHelper output)
{
    [Fact]
    public async Task A_plugin_built_against_the_package_runs_a_real_backup_in_the_published_host_without_rebuilding_it()
    {
        foreach (var timing in sdk.Timings)
        {
            output.WriteLine(timing);
        }

        var dir = sdk.NewTestDirectory();
        var plugins = PublishedHost.ComposePluginsDirectory(dir, await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"), sdk.SamplePluginFolder);
        var config = Directory.CreateDirectory(Path.Combine(dir, "config")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, "app.yaml"), "level: debug\n");
        Directory.CreateDirectory(Path.Combine(config, "conf.d"));
        await File.WriteAllBytesAsync(Path.Combine(config, "conf.d", "blob.bin"), Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray());
        var store = Path.Combine(dir, "store");
        var spec = Path.Combine(dir, "job.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: app-config
            source:
              plugin: directory
              settings:
                path: {config}
            storage:
              plugin: local
              settings:
                path: {store}
            """);

        var result = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", plugins]);

        result.ExitCode.Should().Be(0, result.StandardError);
        var archive = Directory.GetFiles(store, "*.tar.gz", SearchOption.AllDirectories).Should().ContainSingle().Subject;
        var files = await ReadInnerTarAsync(archive, "files.tar");
        files.Keys.Should().BeEquivalentTo("app.yaml", "conf.d", "conf.d/blob.bin");
        files["app.yaml"].Should().Equal(await File.ReadAllBytesAsync(Path.Combine(config, "app.yaml")));
        files["conf.d/blob.bin"].Should().Equal(await File.ReadAllBytesAsync(Path.Combine(config, "conf.d", "blob.bin")));
        (await SdkFixture.HostHashAsync()).Should().Be(sdk.HostHashBefore, "the host is never rebuilt for a plugin");
    }

    [Fact]
    public async Task The_storage_sample_passes_the_conformance_kit_and_stores_a_backup_of_the_source_sample_that_the_host_verifies()
    {
        var tests = await DotNet.TestAsync(SamplePlugin.SamplesOf(sdk.Current), SamplePlugin.StorageTestProject, SamplePlugin.RestorePackagesPath(sdk.Current));
        output.WriteLine($"{SamplePlugin.StorageTestProject}: {tests.Passed} passed, {tests.Failed} failed, {tests.Total - tests.Passed - tests.Failed} skipped");
        var (storage, _) = await SamplePlugin.PublishSampleAsync(sdk.Current, SamplePlugin.StorageProject, SamplePlugin.StorageAssemblyName);
        var dir = sdk.NewTestDirectory();
        var plugins = PublishedHost.ComposePluginsDirectory(dir, sdk.SamplePluginFolder, storage);
        var database = Path.Combine(dir, "backups.db");
        File.Create(database).Dispose();
        var spec = Path.Combine(dir, "job.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: samples
            source:
              plugin: directory
              settings:
                path: {RepositoryPaths.Root}/samples/DirectorySource
            storage:
              plugin: sqlite
              settings:
                database: {database}
            """);

        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", plugins]);
        var verify = await PublishedHost.RunAsync(["verify", "--spec", spec, "--latest", "--plugins-dir", plugins]);

        tests.Failed.Should().Be(0);
        tests.Passed.Should().BeGreaterThan(10, "the conformance kit runs, the create-only tests included");
        run.ExitCode.Should().Be(0, run.StandardError);
        verify.ExitCode.Should().Be(0, verify.StandardError);
        verify.StandardOutput.Should().Contain(" ok: sha1 ").And.Contain("files.tar");
        Directory.GetFiles(storage).Select(Path.GetFileName).Should().Contain("libe_sqlite3.so", "a plugin's native dependencies travel in its folder");
    }

    [Fact]
    public void The_plugin_folder_carries_no_copy_of_the_contract()
    {
        Directory.GetFiles(sdk.SamplePluginFolder).Select(Path.GetFileName)
            .Should().Contain($"{SamplePlugin.AssemblyName}.dll")
            .And.NotContain(["Backup.Abstractions.dll", "Microsoft.Extensions.Logging.Abstractions.dll"]);
    }

    [Fact]
    public async Task Backup_plugins_shows_the_sample_with_its_name_kind_version_contract_version_and_path()
    {
        var plugins = PublishedHost.ComposePluginsDirectory(sdk.NewTestDirectory(), sdk.SamplePluginFolder);

        var result = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins]);

        result.ExitCode.Should().Be(0, result.StandardOutput + result.StandardError);
        result.StandardOutput.Should().MatchRegex(
            $@"(?m)^directory\s+source\s+0\.3\.0\s+{Regex.Escape(SdkFixture.HostContractVersion)}\s+-\s+\S*/{SamplePlugin.AssemblyName}/{SamplePlugin.AssemblyName}\.dll$");
    }

    [Fact]
    public async Task A_plugin_built_against_a_newer_contract_is_refused_in_one_line_while_the_others_are_still_listed()
    {
        var dir = sdk.NewTestDirectory();
        var plugins = PublishedHost.ComposePluginsDirectory(dir,
            await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"), await PublishedHost.FakeSourcePluginAsync(), sdk.NewerSamplePluginFolder);
        var corrupt = Directory.CreateDirectory(Path.Combine(plugins, "Corrupt")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(corrupt, "Corrupt.dll"), Enumerable.Repeat((byte)0x5A, 4096).ToArray());

        var result = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins]);

        result.ExitCode.Should().Be(3, "a plugin failed to load");
        var lines = result.StandardOutput.Split('\n');
        lines.Should().Contain(l => Regex.IsMatch(l, @"^local\s+storage\s+"));
        lines.Should().Contain(l => Regex.IsMatch(l, @"^fake\s+source\s+"));
        // Refused before loading, yet listed by the name its metadata is stamped with (not its folder's).
        lines.Should().Contain(l => Regex.IsMatch(l, $@"^directory\s+broken\s+0\.3\.0\s+{Regex.Escape(SdkFixture.NewerContractVersion)}\s+"));
        lines.Should().Contain(l => Regex.IsMatch(l, @"^Corrupt\s+broken\s+"));
        var host = SdkFixture.HostContractVersion.Split('.');
        lines.Where(l => l.TrimStart().StartsWith("error: ", StringComparison.Ordinal)).Select(l => l.Trim()).Should().BeEquivalentTo(
            $"error: built against contract {SdkFixture.NewerContractVersion}, newer than the host's {SdkFixture.HostContractVersion} (a plugin needs contract {host[0]}.x with x <= {host[1]}): upgrade the host or rebuild the plugin against Backup.Abstractions {host[0]}.{host[1]}",
            "error: not a .NET assembly (Unknown file format.)");
    }

    [Fact]
    public async Task A_job_that_needs_a_refused_plugin_fails_with_exit_code_3_and_one_line_naming_both_contract_versions()
    {
        var dir = sdk.NewTestDirectory();
        var plugins = PublishedHost.ComposePluginsDirectory(dir, await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"), sdk.NewerSamplePluginFolder);
        var spec = Path.Combine(dir, "job.yaml");
        await File.WriteAllTextAsync(spec, $"""
            name: refused
            source:
              plugin: directory
              settings:
                path: {dir}
            storage:
              plugin: local
              settings:
                path: {Path.Combine(dir, "store")}
            """);

        var result = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", plugins]);

        result.ExitCode.Should().Be(3, result.StandardError);
        // The stamped name finds the plugin the job asks for without loading it, and names its refusal.
        ErrorLines(result).Should().ContainSingle().Which.Should()
            .Contain($"plugin 'directory' ({plugins}/{SamplePlugin.AssemblyName}/{SamplePlugin.AssemblyName}.dll) failed to load")
            .And.Contain($"built against contract {SdkFixture.NewerContractVersion}, newer than the host's {SdkFixture.HostContractVersion}");
        Directory.Exists(Path.Combine(dir, "store")).Should().BeFalse();
    }

    private static List<string> ErrorLines(BufferedCommandResult result) =>
        result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();

    /// <summary>The entries (name -> bytes; directories empty) of the tar entry <paramref name="entryName"/> inside a backup archive.</summary>
    private static async Task<Dictionary<string, byte[]>> ReadInnerTarAsync(string archive, string entryName)
    {
        if ((await ArchiveContent.ReadAsync(archive)).TryGetValue(entryName, out var content))
        {
            var files = new Dictionary<string, byte[]>();
            await using var inner = new TarReader(new MemoryStream(content));
            while (await inner.GetNextEntryAsync() is { } file)
            {
                using var bytes = new MemoryStream();
                if (file.DataStream is not null)
                {
                    await file.DataStream.CopyToAsync(bytes);
                }

                files[file.Name.TrimEnd('/')] = bytes.ToArray();
            }

            return files;
        }

        throw new InvalidOperationException($"{entryName} not in {archive}");
    }
}
