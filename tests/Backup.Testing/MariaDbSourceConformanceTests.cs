using System.Globalization;
using Backup.Abstractions;
using Backup.PluginTesting;

namespace Backup.Testing;

/// <summary>The source kit for a MariaDB source against the real shared MariaDB: the password comes from a file, as from a mounted Secret (the kit's own made-up password in the refused case).</summary>
/// <remarks>Shared by mariadb-ha and mariadb-backup, which read the same node and password settings.</remarks>
public abstract class MariaDbSourceConformanceTests : SourceConformanceTests
{
    private readonly TempDir _dir = new();

    /// <inheritdoc />
    protected override IReadOnlyList<string> Secrets => [TestServers.MariaDbPassword];

    /// <inheritdoc />
    protected override PluginSettings CreateSettings() => WithPasswordFile(TestServers.MariaDbPassword);

    /// <inheritdoc />
    protected override PluginSettings? CreateSettingsWithSecret(string secret) => WithPasswordFile(secret);

    /// <inheritdoc />
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
