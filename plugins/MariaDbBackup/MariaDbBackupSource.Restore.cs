using Backup.Abstractions;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>The restore half of the source: unpacks and prepares a verified backup in an empty data directory (see <see cref="DatadirRestorer"/>).</summary>
internal sealed partial class MariaDbBackupSource : IRestorableBackupSource
{
    public Task RestoreAsync(RestoreContext context, CancellationToken cancellationToken) =>
        new DatadirRestorer(settings, logger).RestoreAsync(context, cancellationToken);
}
