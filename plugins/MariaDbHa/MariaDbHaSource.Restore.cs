using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Restore;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The restore half of the source: loads a verified backup with the <c>mariadb</c> client (see <see cref="MariaDbRestorer"/>).</summary>
internal sealed partial class MariaDbHaSource : IRestorableBackupSource
{
    public Task RestoreAsync(RestoreContext context, CancellationToken cancellationToken) =>
        new MariaDbRestorer(settings, logger).RestoreAsync(context, cancellationToken);
}
