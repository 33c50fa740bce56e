
namespace Backup.MariaDb;

/// <summary>A dump failed because of the node (exit code, truncation, lost connection): the source may try the next node.</summary>
/// <remarks>Never leaves the plugin: the source turns it into a <see cref="Backup.Abstractions.BackupSourceException"/> when no node is left.</remarks>
internal sealed class NodeDumpException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>Whether the failure was a race with another session (e.g. mariadb-ha's TransientDumpErrors), so the same node may succeed on a retry.</summary>
    public bool Retryable { get; init; }
}
