using System.Diagnostics;
using System.Text.RegularExpressions;
using Backup.Sdk.Tests.Support;
using Backup.Testing;
using Xunit.Abstractions;

namespace Backup.Sdk.Tests;

/// <summary>
/// <c>dotnet new backup-storage</c> / <c>backup-source</c> from the packed template package, outside the repository: the
/// generated tests run and pass, and the published plugin loads into the published host and takes part in a backup.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class TemplateSpecs(SdkFixture sdk, ITestOutputHelper output)
{
    [Fact]
    public async Task The_storage_template_passes_its_tests_and_its_plugin_stores_a_backup_the_host_verifies()
    {
        var (dir, tests, plugins) = await InstantiateTestAndLoadAsync("backup-storage", "Contoso.Backup.Shelf", "shelf", "storage", "read,delete,pre-flight,location", await PublishedHost.FakeSourcePluginAsync());

        tests.Passed.Should().BeGreaterThan(10, "the conformance kit runs (its create-only tests are skipped: the template does not claim it)");
        var store = Directory.CreateDirectory(Path.Combine(dir, "store")).FullName;
        var spec = await WriteSpecAsync(dir, "source: {plugin: fake, settings: {entries: 2, bytes: 300000}}", $"storage: {{plugin: shelf, settings: {{path: {store}}}}}");
        await RunAsync(["run", "--spec", spec, "--plugins-dir", plugins]);
        await RunAsync(["verify", "--spec", spec, "--latest", "--plugins-dir", plugins]);
    }

    [Fact]
    public async Task The_source_template_passes_its_tests_and_its_plugin_backs_up_into_local_storage()
    {
        var (dir, _, plugins) = await InstantiateTestAndLoadAsync("backup-source", "Contoso.Backup.Greeting", "greeting", "source", "-", await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"));

        var spec = await WriteSpecAsync(dir, "source: {plugin: greeting, settings: {text: hello}}", $"storage: {{plugin: local, settings: {{path: {Path.Combine(dir, "store")}}}}}");
        await RunAsync(["run", "--spec", spec, "--plugins-dir", plugins]);
        await RunAsync(["verify", "--spec", spec, "--latest", "--plugins-dir", plugins]);

        // The template declares its one entry's shape: a streaming backup is named after its extension.
        var streaming = await WriteSpecAsync(dir, "source: {plugin: greeting, settings: {text: hello}}", $"storage: {{plugin: local, settings: {{path: {Path.Combine(dir, "streamed")}}}}}\npipeline: {{mode: streaming}}");
        await RunAsync(["run", "--spec", streaming, "--plugins-dir", plugins]);
        await RunAsync(["verify", "--spec", streaming, "--latest", "--plugins-dir", plugins]);
        Directory.GetFiles(Path.Combine(dir, "streamed"), "*", SearchOption.AllDirectories).Should().ContainSingle(f => f.EndsWith(".txt.gz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plugin_that_ships_its_own_copy_of_the_contract_loads_and_runs_on_the_hosts_copy()
    {
        var dir = sdk.NewTestDirectory();
        var template = await PluginTemplate.CreateAsync(dir, SamplePlugin.FeedOf(sdk.Current), Packages, "backup-source", "Contoso.Backup.Bundled", "bundled");
        var project = Path.Combine(template.Directory, "src", template.Name, $"{template.Name}.csproj");
        var text = await File.ReadAllTextAsync(project);
        text.Should().Contain(" ExcludeAssets=\"runtime\" PrivateAssets=\"all\"");

        // Either attribute alone keeps the contract out of the published folder: both go.
        await File.WriteAllTextAsync(project, text.Replace(" ExcludeAssets=\"runtime\" PrivateAssets=\"all\"", ""));

        var folder = await template.PublishAsync(Path.Combine(dir, "publish"));
        var plugins = PublishedHost.ComposePluginsDirectory(dir, await PublishedHost.PluginFolderAsync("Backup.Plugins.Local"), folder);

        Directory.GetFiles(folder).Select(Path.GetFileName).Should().Contain(["Backup.Abstractions.dll", "Microsoft.Extensions.Logging.Abstractions.dll"]);
        // Shared assemblies are resolved from the host first; the plugin's own copies are never opened. Proven by breaking them.
        await File.WriteAllBytesAsync(Path.Combine(folder, "Backup.Abstractions.dll"), new byte[4096]);
        await File.WriteAllBytesAsync(Path.Combine(folder, "Microsoft.Extensions.Logging.Abstractions.dll"), new byte[4096]);
        var spec = await WriteSpecAsync(dir, "source: {plugin: bundled, settings: {text: hello}}", $"storage: {{plugin: local, settings: {{path: {Path.Combine(dir, "store")}}}}}");
        await RunAsync(["run", "--spec", spec, "--plugins-dir", plugins]);
    }

    private string Packages => Path.Combine(sdk.Current, "nuget-packages");

    /// <summary>
    /// <c>dotnet new</c>, <c>dotnet test</c> (all passed, none failed), publish, and <c>backup plugins</c> listing the plugin
    /// with its <paramref name="kind"/> and <paramref name="capabilities"/> (as the table shows them) beside <paramref name="otherPlugin"/>; prints how long each step took. Returns the test directory, the test counts
    /// and the plugins directory.
    /// </summary>
    private async Task<(string Dir, (int Total, int Passed, int Failed) Tests, string Plugins)> InstantiateTestAndLoadAsync(
        string shortName, string name, string pluginName, string kind, string capabilities, string otherPlugin)
    {
        var dir = sdk.NewTestDirectory();
        var clock = Stopwatch.StartNew();
        var template = await PluginTemplate.CreateAsync(dir, SamplePlugin.FeedOf(sdk.Current), Packages, shortName, name, pluginName);
        var created = clock.Elapsed;
        var tests = await template.TestAsync();
        var tested = clock.Elapsed;
        var published = await template.PublishAsync(Path.Combine(dir, "publish"));
        var plugins = PublishedHost.ComposePluginsDirectory(dir, otherPlugin, published);
        var listing = await PublishedHost.RunAsync(["plugins", "--plugins-dir", plugins]);
        output.WriteLine($"{shortName}: dotnet new {created.TotalSeconds:F1} s; + dotnet test {(tested - created).TotalSeconds:F1} s ({tests.Passed} passed, {tests.Failed} failed, {tests.Total - tests.Passed - tests.Failed} skipped); "
            + $"+ publish and `backup plugins` {(clock.Elapsed - tested).TotalSeconds:F1} s; dotnet new to a loaded plugin: {clock.Elapsed.TotalSeconds:F1} s");

        tests.Failed.Should().Be(0);
        tests.Passed.Should().BeGreaterThan(0, "a test project that runs no test proves nothing");
        listing.ExitCode.Should().Be(0, listing.StandardOutput + listing.StandardError);
        // The generated project stamps what the plugin is, so the host knows it without loading it (no "no name and kind stamp" note).
        PluginStamps.Read(Path.Combine(published, name + ".dll")).Should().Be((pluginName, kind, SdkFixture.HostContractVersion));
        listing.StandardOutput.Should().NotContain("note:");
        listing.StandardOutput.Should().MatchRegex(
            $@"(?m)^{pluginName}\s+{kind}\s+0\.1\.0\s+{Regex.Escape(SdkFixture.HostContractVersion)}\s+{Regex.Escape(capabilities)}\s+\S+/{Regex.Escape(name)}\.dll$");
        return (dir, tests, plugins);
    }

    private static async Task<string> WriteSpecAsync(string dir, string source, string storage)
    {
        var spec = Path.Combine(dir, "job.yaml");
        await File.WriteAllTextAsync(spec, $"name: from-template\n{source}\n{storage}\n");
        return spec;
    }

    private static async Task RunAsync(string[] arguments)
    {
        var result = await PublishedHost.RunAsync(arguments);
        result.ExitCode.Should().Be(0, $"backup {string.Join(' ', arguments)}: {result.StandardOutput}{result.StandardError}");
    }
}
