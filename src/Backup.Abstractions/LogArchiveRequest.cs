namespace Backup.Abstractions;

/// <summary>One round of change-log archiving, as the host asks a <see cref="ILogArchivingSource"/> for it.</summary>
/// <param name="After">The last position already archived, or <see langword="null"/> when nothing is: the source hands over every closed file holding a later transaction, in order.</param>
/// <param name="CloseActiveLog">Whether to close (rotate) the server's active log first when it holds a transaction after <paramref name="After"/>, so that it can be archived now.</param>
/// <param name="WorkDirectory">A private (0700) scratch directory for the downloaded files.</param>
/// <param name="StoreAsync">Archives one segment; the source calls it once per file, in log order, and only continues after it returns.</param>
/// <remarks>Added in contract 1.3.</remarks>
public sealed record LogArchiveRequest(
    LogPosition? After,
    bool CloseActiveLog,
    string WorkDirectory,
    Func<LogSegment, CancellationToken, Task> StoreAsync);
