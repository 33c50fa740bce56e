using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.MariaDbBackup.Tests;

/// <summary>The source contract (entries, names, cancellation, no secret anywhere) for mariadb-backup against the real shared MariaDB, whose datadir is local.</summary>
public sealed class MariaDbBackupConformanceSpecs : MariaDbSourceConformanceTests
{
    protected override IBackupSourcePlugin Plugin { get; } = new MariaDbBackupPlugin();
}
