using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.PointInTime;
using Backup.Host.Retention;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary>What the commands on stored backups insist on: the optional plugin capabilities they need, each refused in one line (exit 2).</summary>
internal static class Capabilities
{
    /// <summary>The job's storage as <typeparamref name="T"/>, or one line saying the plugin cannot do what <paramref name="command"/> needs.</summary>
    public static T RequireStorage<T>(BackupJob job, string command)
        where T : class, IBackupStorage
    {
        var what = typeof(T) == typeof(IDeletableBackupStorage) ? "delete objects" : "list or read objects";
        return job.Storage as T
            ?? throw new BackupSettingsException(
                $"{job.Spec.Storage.PluginLocation}: storage plugin '{job.Spec.Storage.Plugin}' ({job.Storage.Location}) cannot {what}, which '{command}' needs");
    }

    /// <summary>The job's source as a restorable one, or one line saying the plugin cannot restore.</summary>
    public static IRestorableBackupSource RequireRestorableSource(BackupJob job) =>
        job.Source as IRestorableBackupSource
        ?? throw new BackupSettingsException(
            $"{job.Spec.Source.PluginLocation}: source plugin '{job.Spec.Source.Plugin}' cannot restore backups (it does not implement {nameof(IRestorableBackupSource)})");

    /// <summary>The job's source as one that can read back what a target holds, or one line saying the plugin cannot drill.</summary>
    public static IDrillableBackupSource RequireDrillableSource(BackupJob job) =>
        job.Source as IDrillableBackupSource
        ?? throw new BackupSettingsException(
            $"{job.Spec.Source.PluginLocation}: source plugin '{job.Spec.Source.Plugin}' cannot run restore drills (it does not implement {nameof(IDrillableBackupSource)})");

    /// <summary>The retention enforcer for <paramref name="job"/>'s storage; fails in one line when the storage cannot list, read or delete.</summary>
    public static RetentionEnforcer RetentionEnforcer(BackupJob job, ILoggerFactory loggerFactory)
    {
        var readable = RequireStorage<IReadableBackupStorage>(job, "retention");
        var deletable = RequireStorage<IDeletableBackupStorage>(job, "retention");
        var inventory = BackupInventory.Of(job, readable);
        var logger = loggerFactory.CreateLogger("Backup.Retention");
        var logs = job.Source is ILogReplayingSource source
            ? new LogRetention(new LogArchive(readable, job.Spec.Artifact.Prefix), deletable, source, inventory, logger)
            : null;
        return new RetentionEnforcer(inventory, deletable, logger, logs);
    }
}
