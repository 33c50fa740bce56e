using System.CommandLine;
using Backup.Abstractions;
using Backup.Host.Cli;
using Backup.Host.Pipeline;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.PointInTime;

/// <summary>The point-in-time part of <c>backup restore</c>: plans, downloads and verifies every binlog BEFORE the backup is loaded, then replays them after it.</summary>
/// <remarks>The verified files wait in a private workspace removed on dispose, also on failure.</remarks>
internal sealed class PointInTimeRestore : IDisposable
{
    private readonly TempWorkspace _workspace;
    private readonly ILogReplayingSource _source;
    private readonly RecoveryTarget _target;
    private readonly LogPosition _from;
    private readonly IReadOnlyList<LogReplaySegment> _segments;
    private readonly ILogger _logger;

    private PointInTimeRestore(StoredBackup backup, LogPosition from, TempWorkspace workspace, ILogReplayingSource source, RecoveryTarget target, IReadOnlyList<LogReplaySegment> segments, ILogger logger)
    {
        _from = from;
        Backup = backup;
        _workspace = workspace;
        _source = source;
        _target = target;
        _segments = segments;
        _logger = logger;
    }

    /// <summary>The full backup the restore starts from.</summary>
    public StoredBackup Backup { get; }

    /// <summary>Chooses the backup and the binlogs for the target on the command line, and downloads and verifies the binlogs.</summary>
    public static async Task<PointInTimeRestore> PrepareAsync(
        ParseResult parseResult, PointInTimeOptions options, BackupJob job, BackupInventory inventory, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var source = job.Source as ILogReplayingSource
            ?? throw new BackupSettingsException($"{job.Spec.Source.PluginLocation}: source plugin '{job.Spec.Source.Plugin}' cannot replay a change log (it does not implement {nameof(ILogReplayingSource)})");
        RecoveryTarget target;
        if (parseResult.GetValue(options.ToGtid) is { } text)
        {
            target = new RecoveryTarget(source.ParseLogPosition(text) ?? throw new BackupSettingsException($"--to-gtid: '{text}' is not a position source '{job.Spec.Source.Plugin}' knows (e.g. 1-1-57)"), null);
        }
        else
        {
            target = new RecoveryTarget(null, options.Time(parseResult));
        }

        var logger = loggerFactory.CreateLogger("Backup.PointInTime");
        var logs = new LogArchive(inventory.Storage, job.Spec.Artifact.Prefix);
        var (backup, from, plan) = await new PointInTimePlanner(inventory, logs, source).PlanAsync(target, parseResult.GetValue(options.AllowGaps), cancellationToken);
        foreach (var gap in plan.Gaps)
        {
            logger.LogWarning("Replaying across a gap in the binlog archive ({Gap}): those transactions are lost (--allow-gaps)", gap);
        }

        logger.LogInformation("Restoring to {Target}: backup {BackupId} (consistent at {From}), then {Count} archived binlog file(s)", target, backup.Id, from, plan.Segments.Count);
        var workspace = TempWorkspace.Create(TempWorkspace.ParentFor(job.Spec), job.Spec.Name, logger);
        try
        {
            var directory = workspace.Subdirectory("binlogs");
            var segments = new List<LogReplaySegment>();

            // Asked for only when a planned file is encrypted: an archive from before the job had encryption needs no key.
            var encrypted = plan.Segments.Where(s => s.Index.Encryption is not null).ToList();
            using var keys = encrypted.Count == 0
                ? null
                : await BackupKeys.ForLogsAsync(job.Spec, $"{encrypted.Count} of the archived binlog(s) to replay are encrypted (age), e.g. {logs.Storage.WhereIs(encrypted[0].Index.DataKey)},", cancellationToken);
            foreach (var (index, startAfter) in plan.Segments)
            {
                var path = Path.Combine(directory, $"{segments.Count:D6}-{index.Name}");
                await logs.DownloadAsync(index, path, keys?.Identities, cancellationToken);
                segments.Add(new LogReplaySegment(path, startAfter));
            }

            logger.LogInformation("{Count} binlog file(s) downloaded and verified (SHA-1) before anything is loaded", segments.Count);
            return new PointInTimeRestore(backup, from, workspace, source, target, segments, logger);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>Replays the verified binlogs into <paramref name="restoreTarget"/>; returns the phrase the command's summary line ends with.</summary>
    /// <param name="restoreTarget">The server the backup was loaded into.</param>
    /// <param name="verifiedMetadata">The source facts of the backup's verified manifest (the one inside the checked archive).</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    public async Task<string> ReplayAsync(RestoreTarget restoreTarget, IReadOnlyDictionary<string, string> verifiedMetadata, CancellationToken cancellationToken)
    {
        // The plan was made from the manifest beside the archive; replaying from a position the verified one does not
        // record would lose or repeat transactions.
        if (!_source.LogPositionsOf(verifiedMetadata).Contains(_from))
        {
            throw new BackupIntegrityException($"backup {Backup.Id}'s verified manifest does not record {_from}, the position its stored manifest gave; no binlog was replayed");
        }

        _logger.LogInformation("Replaying {Count} binlog file(s) up to {Target}", _segments.Count, _target);
        var replay = new LogReplay(restoreTarget, _segments, _target.Position, _target.Position is null ? _target.Time : null, _workspace.Subdirectory("replay"));
        await StageFailure.Guard(
            "binlog replay",
            async () =>
            {
                await _source.ReplayLogAsync(replay, cancellationToken);
                return true;
            },
            (message, ex) => new BackupRestoreException(message, ex));
        return $"; then {_segments.Count} binlog file(s) replayed up to {_target}";
    }

    /// <inheritdoc />
    public void Dispose() => _workspace.Dispose();
}
