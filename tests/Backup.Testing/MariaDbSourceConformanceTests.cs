using System.Globalization;
using Backup.Abstractions;
using Backup.PluginTesting;

namespace Backup.Testing;

/// <summary>The source kit for a MariaDB source against the real shared MariaDB: the password comes from a file, as from a mounted Secret (the kit's own made-up password in the refused case).</summary>
/// <remarks>Shared by mariadb-ha and mariadb-backup, which read the same node and password settings.</remarks>
public abstract class MariaDbSourceConformanceTests : SourceConformanceTests
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Secrets => [TestServers.MariaDbPassword];

    /// <inheritdoc />
    protected override PluginSettings CreateSettings() => WithPasswordFile(TestServers.MariaDbPassword);

    /// <inheritdoc />
    protected override PluginSettings? CreateSettingsWithSecret(string secret) => WithPasswordFile(secret);

    private PluginSettings WithPasswordFile(string password) =>
        SettingsBuilder.From(new Dictionary<string, object>
        {
            ["host"] = TestServers.MariaDbHost,
            ["port"] = TestServers.MariaDbPort.ToString(CultureInfo.InvariantCulture),
            ["password"] = new Dictionary<string, object> { ["file"] = WriteSecretFile(password) },
        });
}
