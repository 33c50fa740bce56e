using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>The source contract (entries, names, cancellation, no secret anywhere) for mariadb-ha against the real shared MariaDB.</summary>
public sealed class MariaDbHaConformanceSpecs : MariaDbSourceConformanceTests
{
    protected override IBackupSourcePlugin Plugin { get; } = new MariaDbHaPlugin();
}
