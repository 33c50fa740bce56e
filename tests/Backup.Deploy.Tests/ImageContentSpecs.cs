using System.Text.Json;
using Backup.Deploy.Tests.Support;
using Backup.Testing;
using Xunit.Abstractions;

namespace Backup.Deploy.Tests;

/// <summary>Each storage's image, built from the Dockerfile: what it carries, which tools work in it, how big it is.</summary>
public sealed class ImageContentSpecs(ITestOutputHelper output)
{
    // What a cloud image should add on top of the .NET runtime base (reported, not asserted: the app's size is the
    // plugins' business, and KubernetesClient alone is 12 MB of it), and what the Dockerfile adds besides the app:
    // mariadb-dump, mariadb and mariadb-binlog (point-in-time recovery) are 5 MB each, their libraries and the client's
    // plugins 0.6 MB (was 82 MB with perl).
    private const long TargetAddedBytes = 30_000_000;
    private const long MaxAddedBesidesTheApp = 17_500_000;

    public static TheoryData<string> Storages => [.. ImageLayouts.Storages];

    [ImageTheory]
    [MemberData(nameof(Storages))]
    public async Task The_image_prints_its_help_and_lists_exactly_the_mariadb_source_and_its_one_storage(string storage)
    {
        var help = await ContainerImages.RunAsync(new ContainerRun(storage) { Arguments = ["--help"] });
        var plugins = await ContainerImages.RunAsync(new ContainerRun(storage) { Arguments = ["plugins"] });

        help.ExitCode.Should().Be(0, help.StandardError);
        help.StandardOutput.Should().Contain("Usage:");
        plugins.ExitCode.Should().Be(0, plugins.StandardError);
        // The image logs JSON (BACKUP_LOG_FORMAT=json): command output too is one record per line.
        var rows = HostOutput.Lines(plugins.StandardOutput)
            .SkipWhile(line => !line.StartsWith("NAME", StringComparison.Ordinal)).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        // Which folder holds which kind is the layout's own host's answer, from the plugins' stamped metadata.
        var layout = await ImageLayouts.PluginsAsync(storage);
        layout.Select(p => (p.Name, p.Kind)).Should().BeEquivalentTo([("mariadb-ha", "source"), (storage, "storage")]);
        rows.Select(r => (r[0], r[1], r[^1])).Should().BeEquivalentTo(layout.Select(p => (p.Name, p.Kind, $"/app/plugins/{p.Folder}/{p.Folder}.dll")));
    }

    [ImageTheory]
    [MemberData(nameof(Storages))]
    public async Task The_image_holds_the_tested_layout_and_the_MariaDB_tools_only_no_symbols_docs_test_assemblies_or_other_storages_files(string storage)
    {
        var everyFile = await ContainerImages.FilesAsync(await ContainerImages.ImageAsync(storage));
        var baseFiles = (await ContainerImages.FilesAsync(await ContainerImages.RuntimeBaseAsync())).ToHashSet();
        var appFiles = everyFile.Where(path => path.StartsWith("/app/", StringComparison.Ordinal)).Select(path => path["/app/".Length..]).ToList();
        var layout = await ImageLayouts.DirectoryAsync(storage);
        var layoutFiles = Directory.GetFiles(layout, "*", SearchOption.AllDirectories);

        appFiles.Should().BeEquivalentTo(layoutFiles.Select(f => Path.GetRelativePath(layout, f)), "the image carries the very folder the layout tests run");
        appFiles.Should().NotContain(f => f.EndsWith(".xml"));
        var names = everyFile.Select(path => Path.GetFileName(path)).ToHashSet();
        names.Should().NotContain(n => n.EndsWith(".pdb") || n.EndsWith("Tests.dll") || n.StartsWith("xunit") || n.StartsWith("Backup.Test")
            || n == "FluentAssertions.dll" || n.StartsWith("Microsoft.TestPlatform"));
        foreach (var other in ImageLayouts.Storages.Where(s => s != storage))
        {
            var otherPlugin = Path.Combine(await ImageLayouts.DirectoryAsync(other), "plugins", await StoragePluginFolderAsync(other));
            var onlyThere = Directory.GetFiles(otherPlugin, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
                .Except(layoutFiles.Select(Path.GetFileName));
            names.Should().NotIntersectWith(onlyThere, $"nothing of the {other} plugin belongs in the {storage} image");
        }

        // Besides the app and the user's entries in /etc: the three programs (dump, load, binlog archiving), the client's
        // plugins and the libraries they link.
        everyFile.Where(path => !baseFiles.Contains(path) && !path.StartsWith("/app/") && !path.StartsWith("/etc/")).Should().OnlyContain(path =>
            path == "/usr/bin/mariadb-dump" || path == "/usr/bin/mariadb" || path == "/usr/bin/mariadb-binlog" || path.Contains("/libmariadb3/plugin/") || Path.GetFileName(path).StartsWith("lib") && path.Contains(".so"),
            "only what the source runs is copied, not mariadb-client's other programs or its perl dependencies");
    }

    [ImageTheory]
    [MemberData(nameof(Storages))]
    public async Task The_MariaDB_client_tools_run_and_find_every_library_they_load(string storage)
    {
        var lines = await ShellAsync(storage, """
            mariadb-dump --version && mariadb --version
            for f in /usr/bin/mariadb-dump /usr/bin/mariadb /usr/lib/*/libmariadb3/plugin/*.so; do echo "== $f"; ldd "$f"; done
            """);

        lines.Should().Contain(l => l.StartsWith("mariadb-dump ")).And.Contain(l => l.StartsWith("mariadb "));
        lines.Should().Contain(["== /usr/bin/mariadb-dump", "== /usr/bin/mariadb"])
            .And.Contain(l => l.StartsWith("== ") && l.EndsWith("/client_ed25519.so"), "accounts using ed25519 need the client's plugin");
        lines.Should().NotContain(l => l.Contains("not found") || l.Contains("not a dynamic executable"));
    }

    /// <summary>Writes the size of every layer, newest first, and the total against the 30 MB target, to the test output.</summary>
    [ImageTheory]
    [MemberData(nameof(Storages))]
    public async Task The_image_adds_the_app_and_at_most_12_MB_of_MariaDB_tools_and_user_to_the_dotnet_runtime_base(string storage)
    {
        var image = await ContainerImages.ImageAsync(storage);
        var baseImage = await ContainerImages.RuntimeBaseAsync();
        var layout = await ImageLayouts.DirectoryAsync(storage);

        var history = await ContainerImages.PodmanAsync(["history", "--format", "json", image]);
        var size = await SizeAsync(image);
        var added = size - await SizeAsync(baseImage);
        var app = Directory.GetFiles(layout, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        history.ExitCode.Should().Be(0, history.StandardError);
        foreach (var layer in JsonDocument.Parse(history.StandardOutput).RootElement.EnumerateArray())
        {
            var createdBy = layer.GetProperty("CreatedBy").GetString() ?? "";
            output.WriteLine($"{layer.GetProperty("size").GetInt64() / 1e6,8:F1} MB  {createdBy[..Math.Min(createdBy.Length, 110)]}");
        }

        output.WriteLine($"{image}: {size / 1e6:F1} MB; adds {added / 1e6:F1} MB (target {TargetAddedBytes / 1e6:F0} MB) to {baseImage}, "
            + $"a local stand-in for the runtime base; the app is {app / 1e6:F1} MB of it");
        (added - app).Should().BeLessThanOrEqualTo(MaxAddedBesidesTheApp, "mariadb-dump, mariadb, mariadb-binlog and the libraries the base lacks, not mariadb-client with perl");
    }

    private static async Task<string> StoragePluginFolderAsync(string storage) =>
        (await ImageLayouts.PluginsAsync(storage)).Single(p => p.Kind == "storage").Folder;

    private static async Task<long> SizeAsync(string image)
    {
        var inspect = await ContainerImages.PodmanAsync(["image", "inspect", "--format", "{{.Size}}", image]);
        inspect.ExitCode.Should().Be(0, inspect.StandardError);
        return long.Parse(inspect.StandardOutput.Trim());
    }

    private static async Task<List<string>> ShellAsync(string storage, string script)
    {
        var result = await ContainerImages.RunAsync(new ContainerRun(storage) { Entrypoint = "/bin/sh", Arguments = ["-c", script] });
        result.ExitCode.Should().Be(0, result.StandardError);
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
