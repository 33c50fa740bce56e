using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.PointInTime;

/// <summary>One round of <c>backup binlogs</c>: asks the source for every closed log file after the last archived position and stores each (encrypted to the job's recipients when it has <c>encryption</c>), recording a gap when one does not continue the archive.</summary>
internal sealed class LogArchiver(JobSpec spec, ILogArchivingSource source, LogArchive archive, ILogger logger, TimeProvider clock)
{
    /// <summary>The last position archived, once known; the archive is listed only in the first round (this process is its only writer).</summary>
    public LogPosition? Last { get; private set; }

    /// <summary>The newest event time archived, once known.</summary>
    public DateTimeOffset? LastEventTime { get; private set; }

    private bool _listed;

    /// <summary>Runs one round; returns how many files it stored.</summary>
    public async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        if (!_listed)
        {
            var listing = await archive.ListAsync(cancellationToken);
            var newest = listing.Indexes.MaxBy(i => i.Last.Sequence);
            (Last, LastEventTime) = (newest?.Last, newest?.LastEventTime);
            _listed = true;
        }

        using var workspace = TempWorkspace.Create(TempWorkspace.ParentFor(spec), spec.Name, logger);
        var work = workspace.Subdirectory("binlogs");
        var stored = 0;
        await source.ArchiveLogAsync(
            new LogArchiveRequest(Last, CloseActiveLog: true, work, async (segment, ct) =>
            {
                if (Last is not null && segment.First.Stream != Last.Stream)
                {
                    throw new BackupSourceException($"{segment.Name} from {segment.Node} is in log stream {segment.First.Stream}, the archive in {Last.Stream}");
                }

                var continuesFrom = segment.Previous?.Sequence ?? segment.First.Sequence - 1;
                var gapAfter = Last is not null && continuesFrom > Last.Sequence ? Last : null;
                if (gapAfter is not null)
                {
                    logger.LogError("Gap in the binlog archive: {File} from {Node} continues from {Previous}, but the last archived transaction is {Last}; a restore across it is refused unless --allow-gaps",
                        segment.Name, segment.Node, segment.Previous?.Text ?? $"before {segment.First}", gapAfter);
                }

                var index = await archive.StoreAsync(segment, gapAfter, spec.Encryption?.Recipients, work, clock, ct);
                logger.LogInformation("Archived {File} from {Node} as {Key}: {First} .. {Last}, {Bytes:N0} bytes", segment.Name, segment.Node, index.DataKey, index.First, index.Last, index.Size);
                (Last, LastEventTime) = (index.Last, index.LastEventTime);
                stored++;
            }),
            cancellationToken);
        return stored;
    }
}
