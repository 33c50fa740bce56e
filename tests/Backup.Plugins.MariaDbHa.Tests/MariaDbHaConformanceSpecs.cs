using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>The source contract (entries, names, cancellation, no secret anywhere) for mariadb-ha against the real shared MariaDB.</summary>
/// <remarks>The password comes from a file, as from a mounted Secret: the kit's own made-up password in the refused case.</remarks>
public sealed class MariaDbHaConformanceSpecs : SourceConformanceTests
{
    protected override IBackupSourcePlugin Plugin { get; } = new MariaDbHaPlugin();

    protected override IReadOnlyList<string> Secrets => [TestServers.MariaDbPassword];

    protected override PluginSettings CreateSettings() => WithPasswordFile(TestServers.MariaDbPassword);

    protected override PluginSettings? CreateSettingsWithSecret(string secret) => WithPasswordFile(secret);

    private PluginSettings WithPasswordFile(string password) =>
        SettingsBuilder.From(SourceRun.ServerSettings(SourceRun.FilePassword(WriteSecretFile(password))));
}
