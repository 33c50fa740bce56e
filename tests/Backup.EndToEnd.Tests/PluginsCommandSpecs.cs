using System.Text.Json;
using System.Text.RegularExpressions;
using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary><c>backup plugins</c> as a plugin author meets it: capabilities, what it ignored and why, JSON, aligned columns, the exit code.</summary>
public sealed class PluginsCommandSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Plugins_lists_each_plugin_with_its_kind_version_capabilities_and_path_and_exits_0_when_all_load()
    {
        var plugins = await GoodPluginsAsync();

        var result = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins]);

        result.ExitCode.Should().Be(0, result.StandardOutput + result.StandardError);
        result.StandardOutput.Should().MatchRegex(@"(?m)^fake\s+source\s+\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\s+-\s+\S*/Backup\.TestPlugins\.FakeSource\.dll$");
        result.StandardOutput.Should().MatchRegex(@"(?m)^local\s+storage\s+\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\s+read,delete,create-only,pre-flight,location\s+\S*/Backup\.Plugins\.Local\.dll$");
    }

    [Fact]
    public async Task Plugins_lists_what_it_ignored_with_the_reason_and_exits_3()
    {
        var plugins = await GoodPluginsAsync();
        Directory.CreateDirectory(Path.Combine(plugins, "Empty"));
        CopyDirectory(await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"), Path.Combine(plugins, "LocalRenamed"));
        await File.WriteAllTextAsync(Path.Combine(plugins, "Stray.dll"), "x");

        var result = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins]);

        result.ExitCode.Should().Be(3, "something in the plugins directory is not a usable plugin");
        result.StandardOutput.Split('\n').Where(l => l.StartsWith("ignored ", StringComparison.Ordinal)).Should().Equal(
            $"ignored {plugins}/Empty: empty folder",
            $"ignored {plugins}/LocalRenamed: no LocalRenamed.dll: the folder must be named after the plugin's assembly; rename it to Backup.Plugins.Local/",
            $"ignored {plugins}/Stray.dll: a file directly in the plugins directory; a plugin is a folder <Name>/ holding <Name>.dll (move it to Stray/)");
    }

    [Fact]
    public async Task Plugins_output_json_gives_every_plugin_with_its_capabilities_and_every_ignored_entry()
    {
        var plugins = await GoodPluginsAsync();
        Directory.CreateDirectory(Path.Combine(plugins, "Empty"));

        var result = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins, "--output", "json"]);

        result.ExitCode.Should().Be(3);
        var root = JsonDocument.Parse(result.StandardOutput).RootElement;
        root.GetProperty("directory").GetString().Should().Be(plugins);
        root.GetProperty("hostContract").GetString().Should().MatchRegex(@"^\d+\.\d+\.\d+$");
        var listed = root.GetProperty("plugins").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => (Kind: p.GetProperty("kind").GetString(), Capabilities: p.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList()));
        listed.Should().ContainKeys("fake", "local");
        listed["local"].Kind.Should().Be("storage");
        listed["local"].Capabilities.Should().Equal("read", "delete", "create-only", "pre-flight", "location");
        listed["fake"].Capabilities.Should().BeEmpty();
        root.GetProperty("ignored").EnumerateArray().Select(i => (i.GetProperty("path").GetString(), i.GetProperty("reason").GetString()))
            .Should().Equal(($"{plugins}/Empty", "empty folder"));
    }

    [Fact]
    public async Task A_broken_plugin_with_a_long_name_keeps_every_column_aligned()
    {
        var plugins = await GoodPluginsAsync();
        const string longName = "A-broken-plugin-with-a-name-much-longer-than-the-others";
        var broken = Directory.CreateDirectory(Path.Combine(plugins, longName)).FullName;
        await File.WriteAllBytesAsync(Path.Combine(broken, longName + ".dll"), Enumerable.Repeat((byte)0x5A, 4096).ToArray());

        var result = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins]);

        result.ExitCode.Should().Be(3);
        var lines = result.StandardOutput.Split('\n');
        var header = lines.Single(l => l.StartsWith("NAME", StringComparison.Ordinal));
        var rows = lines.Where(l => Regex.IsMatch(l, @"^\S+\s+(source|storage|broken)\s")).ToList();
        rows.Should().HaveCount(3);
        foreach (var column in new[] { "KIND", "VERSION", "CONTRACT", "CAPABILITIES", "PATH" })
        {
            var at = header.IndexOf(column, StringComparison.Ordinal);
            rows.Should().OnlyContain(r => r.Length > at && r[at - 1] == ' ' && r[at] != ' ', $"every row's {column} starts under its header");
        }
    }

    [Fact]
    public async Task A_plugin_built_without_the_name_stamp_still_runs_and_one_stamped_unlike_its_entry_type_is_refused()
    {
        // The fake source built twice more: without BackupPluginName (as before contract 1.3), and stamped with another name.
        var unstamped = await PublishFakeAsync("unstamped", "-p:BackupPluginName=", "-p:BackupPluginKind=");
        var misnamed = await PublishFakeAsync("misnamed", "-p:BackupPluginName=not-fake");
        var local = await PublishedHost.PluginFolderAsync("Backup.Plugins.Local");
        var spec = JobSpecFile.Write(_dir.Path, _dir.Combine("store"), "entries: 1");

        var listing = await PublishedHost.RunAsync(["plugins", "--plugins-dir", PublishedHost.ComposePluginsDirectory(_dir.Combine("a"), local, unstamped)]);
        var run = await PublishedHost.RunAsync(["run", "--spec", spec, "--plugins-dir", _dir.Combine("a", "plugins")]);
        var refused = await PublishedHost.RunAsync(["plugins", "--plugins-dir", PublishedHost.ComposePluginsDirectory(_dir.Combine("b"), local, misnamed)]);
        var notFound = await PublishedHost.RunAsync(["validate", "--spec", spec, "--plugins-dir", _dir.Combine("b", "plugins")]);

        listing.ExitCode.Should().Be(0, listing.StandardOutput);
        listing.StandardOutput.Should().MatchRegex(@"(?m)^fake\s+source\s").And.Contain("note: no name and kind stamp");
        run.ExitCode.Should().Be(0, run.StandardError);
        refused.ExitCode.Should().Be(3);
        refused.StandardOutput.Should().MatchRegex(@"(?m)^not-fake\s+broken\s").And.Contain("error: stamped as 'not-fake' (source) but its entry type is 'fake' (source)");
        notFound.ExitCode.Should().Be(2, notFound.StandardError);
        notFound.ErrorLines().Should().ContainSingle().Which.Should().EndWith("installed source plugins: not-fake");
    }

    public void Dispose() => _dir.Dispose();

    // Its own artifacts path: the cached build of the fake source (PublishedHost) may be built at the same time.
    private async Task<string> PublishFakeAsync(string variant, params string[] properties)
    {
        const string name = "Backup.TestPlugins.FakeSource";
        var output = _dir.Combine(variant, name);
        var result = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments(["publish", $"tests/{name}/{name}.csproj", "-c", "Release", "-o", output, "--artifacts-path", _dir.Combine(variant, "build"), "--nologo", "-v", "q", .. properties])
            .WithWorkingDirectory(RepositoryPaths.Root)
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteAsync();
        result.ExitCode.Should().Be(0, $"dotnet publish {variant}");
        return output;
    }

    private async Task<string> GoodPluginsAsync() =>
        PublishedHost.ComposePluginsDirectory(_dir.Path, await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"), await PublishedHost.FakeSourcePluginAsync());

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
