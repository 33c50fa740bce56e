using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Restore;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The restore half of the source: loads a verified backup with the <c>mariadb</c> client (see <see cref="MariaDbRestorer"/>) and reads back what a target holds for drills.</summary>
internal sealed partial class MariaDbHaSource : IDrillableBackupSource
{
    public Task RestoreAsync(RestoreContext context, CancellationToken cancellationToken) =>
        new MariaDbRestorer(settings, logger).RestoreAsync(context, cancellationToken);

    public Task<ContentInventory> ReadInventoryAsync(RestoreTarget target, string workDirectory, CancellationToken cancellationToken) =>
        new MariaDbRestorer(settings, logger).ReadInventoryAsync(target, cancellationToken);
}
