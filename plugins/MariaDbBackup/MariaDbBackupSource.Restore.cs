using Backup.Abstractions;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>The restore half of the source: unpacks and prepares a backup in an empty data directory (see <see cref="DatadirRestorer"/>), which it empties again when the restore fails.</summary>
internal sealed partial class MariaDbBackupSource : IDiscardingRestoreSource
{
    public Task RestoreAsync(RestoreContext context, CancellationToken cancellationToken) =>
        new DatadirRestorer(settings, logger).RestoreAsync(context, cancellationToken);

    // The only target this source writes is an empty data directory no server runs on yet: removing what a failed
    // restore wrote leaves it as it was, so the host may verify while extracting (one download, no temp copy).
    public bool DiscardsFailedRestore(RestoreTarget target) => target is { DataDirectory: not null, Host: null, Port: null };
}
