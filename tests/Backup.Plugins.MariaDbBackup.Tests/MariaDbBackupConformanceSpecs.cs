using System.Globalization;
using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Testing;

namespace Backup.Plugins.MariaDbBackup.Tests;

/// <summary>The source contract (entries, names, cancellation, no secret anywhere) for mariadb-backup against the real shared MariaDB, whose datadir is local.</summary>
/// <remarks>The password comes from a file, as from a mounted Secret: the kit's own made-up password in the refused case.</remarks>
public sealed class MariaDbBackupConformanceSpecs : SourceConformanceTests
{
    private readonly TempDir _dir = new();

    protected override IBackupSourcePlugin Plugin { get; } = new MariaDbBackupPlugin();

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
        return SettingsBuilder.From(new Dictionary<string, object>
        {
            ["host"] = TestServers.MariaDbHost,
            ["port"] = TestServers.MariaDbPort.ToString(CultureInfo.InvariantCulture),
            ["password"] = new Dictionary<string, object> { ["file"] = file },
        });
    }
}
