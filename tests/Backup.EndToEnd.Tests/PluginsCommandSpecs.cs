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

    public void Dispose() => _dir.Dispose();

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
