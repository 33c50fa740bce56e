namespace Backup.Abstractions;

/// <summary>One closed file of a source's change log (a MariaDB binary log), downloaded into the host's work directory and ready to be archived.</summary>
/// <param name="Path">The file's full path in the work directory; the host reads it and the source deletes it afterwards.</param>
/// <param name="Name">The file's name on the server, e.g. <c>binlog.000042</c>.</param>
/// <param name="Node">The server it was read from, e.g. <c>db-1:3306 (galera2)</c>.</param>
/// <param name="First">Its first transaction's position.</param>
/// <param name="Last">Its last transaction's position.</param>
/// <param name="FirstEventTime">When its first transaction was logged (UTC; the log's resolution, for MariaDB a second).</param>
/// <param name="LastEventTime">When its last transaction was logged (UTC).</param>
/// <remarks>Added in contract 1.3. A segment may repeat transactions an earlier one (from another node) already holds: the host keeps positions, not files, contiguous.</remarks>
public sealed record LogSegment(
    string Path,
    string Name,
    string Node,
    LogPosition First,
    LogPosition Last,
    DateTimeOffset FirstEventTime,
    DateTimeOffset LastEventTime)
{
    /// <summary>The last position the server logged before this file (MariaDB: the file's Gtid_list), or <see langword="null"/> when the file starts the log.</summary>
    /// <remarks>
    /// Gaps are judged by it, not by <see cref="First"/>: a cluster may skip a sequence number (a Galera write set that
    /// failed after it was numbered), and a file that starts right after the last archived position continues the
    /// archive even when its first number is two higher.
    /// </remarks>
    public LogPosition? Previous { get; init; }
}
