using Backup.Abstractions;
using Backup.MariaDb.Binlogs;
using Backup.Plugins.MariaDbHa.Restore;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The point-in-time half of the source: archives the nodes' binary logs (<see cref="BinlogArchiver"/>) and replays them after a restore (<see cref="BinlogReplayer"/>).</summary>
internal sealed partial class MariaDbHaSource : ILogArchivingSource, ILogReplayingSource
{
    /// <summary>The manifest fact holding the GTID position the dump is consistent with (from its <c>gtid_slave_pos</c> comment).</summary>
    public const string GtidPositionKey = "gtidPosition";

    private BinlogArchiver? _archiver;

    // One archiver per source: it remembers the node of the previous round, so a long-running archiver stays on it.
    private BinlogArchiver Archiver => _archiver ??= new BinlogArchiver(settings.Nodes, settings.BinlogCommand, logger);

    public Task<string?> CheckLogAsync(CancellationToken cancellationToken) => Archiver.CheckAsync(cancellationToken);

    public Task ArchiveLogAsync(LogArchiveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Archiver.ArchiveAsync(request, cancellationToken);
    }

    public LogPosition? ParseLogPosition(string text) => Gtid.Parse(text)?.ToPosition();

    public IReadOnlyList<LogPosition> LogPositionsOf(IReadOnlyDictionary<string, string> metadata) =>
        [.. Gtid.ParseList(metadata.GetValueOrDefault(GtidPositionKey)).Select(g => g.ToPosition())];

    public Task ReplayLogAsync(LogReplay replay, CancellationToken cancellationToken) =>
        new MariaDbRestorer(settings, logger).ReplayAsync(replay, cancellationToken);
}
