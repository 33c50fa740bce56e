using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>The source contract (entries, names, cancellation, no secret anywhere) for mariadb-ha against the real shared MariaDB.</summary>
/// <remarks>The password comes from a file, as from a mounted Secret: the kit's own made-up password in the refused case.</remarks>
public sealed class MariaDbHaConformanceSpecs : SourceConformanceTests
{
    private readonly TempDir _dir = new();

    protected override IBackupSourcePlugin Plugin { get; } = new MariaDbHaPlugin();

    protected override IReadOnlyList<string> Secrets => [TestServers.MariaDbPassword];

    protected override PluginSettings CreateSettings() => WithPasswordFile(TestServers.MariaDbPassword);

    protected override PluginSettings? CreateSettingsWithSecret(string secret) => WithPasswordFile(secret);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dir.Dispose();
        }

        base.Dispose(disposing);
    }

    private PluginSettings WithPasswordFile(string password)
    {
        var file = _dir.Combine($"password-{Guid.NewGuid():N}");
        File.WriteAllText(file, password + "\n");
        return SettingsBuilder.From(SourceRun.ServerSettings(SourceRun.FilePassword(file)));
    }
}
