namespace Backup.Abstractions;

/// <summary>A source whose server keeps a change log (MariaDB's binary log) that can be archived between backups: needed by <c>backup binlogs</c>.</summary>
/// <remarks>
/// Added in contract 1.3, beside <see cref="IBackupSource"/>. The host owns the loop, the storage and the gap
/// detection; the source knows how to choose a server, read its log and name positions. Throw
/// <see cref="BackupSourceException"/> when no server can be read; the host retries in its next round.
/// </remarks>
public interface ILogArchivingSource : IBackupSource
{
    /// <summary>Why the servers' log cannot be archived consistently (one line naming the missing setting), or null when it can.</summary>
    Task<string?> CheckLogAsync(CancellationToken cancellationToken);

    /// <summary>Hands every closed log file after <see cref="LogArchiveRequest.After"/> to <see cref="LogArchiveRequest.StoreAsync"/>, in order.</summary>
    Task ArchiveLogAsync(LogArchiveRequest request, CancellationToken cancellationToken);
}
