using Backup.Abstractions;
using Backup.PluginTesting;

namespace Contoso.Backup.DirectorySource.Tests;

/// <summary>The source contract (Backup.PluginTesting) for the <c>directory</c> source, against a real directory tree.</summary>
public sealed class DirectorySourceConformanceSpecs : SourceConformanceTests
{
    private readonly string _tree = Directory.CreateTempSubdirectory("directory-source-").FullName;

    public DirectorySourceConformanceSpecs()
    {
        Directory.CreateDirectory(Path.Combine(_tree, "conf.d"));
        File.WriteAllText(Path.Combine(_tree, "app.yaml"), "name: app\n");

        // Big enough that the tar is written in several chunks, so a cancellation lands mid-entry.
        File.WriteAllBytes(Path.Combine(_tree, "conf.d", "data.bin"), new byte[4 * 1024 * 1024]);
    }

    protected override IBackupSourcePlugin Plugin { get; } = new DirectorySourcePlugin();

    protected override PluginSettings CreateSettings() =>
        new("source.settings", "job.yaml:3:3", [new SettingValue("path", _tree, "job.yaml:4:11")]);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_tree, recursive: true);
        }

        base.Dispose(disposing);
    }
}
