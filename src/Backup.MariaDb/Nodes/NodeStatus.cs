namespace Backup.MariaDb.Nodes;

/// <summary>What a node said about itself when probed: its Galera state and the facts the manifest records.</summary>
/// <param name="IsGalera">Whether wsrep is on; a server without it is a standalone server and always usable.</param>
/// <param name="LocalState"><c>wsrep_local_state_comment</c>, e.g. <c>Synced</c> or <c>Donor/Desynced</c>.</param>
/// <param name="ClusterStatus"><c>wsrep_cluster_status</c>, e.g. <c>Primary</c> or <c>non-Primary</c>.</param>
/// <param name="Ready"><c>wsrep_ready</c>.</param>
/// <param name="ClusterSize"><c>wsrep_cluster_size</c>.</param>
/// <param name="NodeName"><c>wsrep_node_name</c>.</param>
/// <param name="Version"><c>version</c>.</param>
/// <param name="LogBin">Whether the binary log is on (<c>log_bin</c>), which decides if a dump can record its binlog position.</param>
/// <param name="GtidBinlogPos"><c>gtid_binlog_pos</c>, empty without a binlog.</param>
/// <param name="LastCommitted"><c>wsrep_last_committed</c>: the cluster-wide seqno this node has applied.</param>
/// <param name="ThreadsConnected"><c>Threads_connected</c>: the load figure used to prefer the least busy node.</param>
/// <param name="Privileges">What the login holds on <c>*.*</c>, which decides whether a dump can contain every database.</param>
internal sealed record NodeStatus(
    bool IsGalera,
    string? LocalState,
    string? ClusterStatus,
    bool Ready,
    int? ClusterSize,
    string? NodeName,
    string? Version,
    bool LogBin,
    string? GtidBinlogPos,
    string? LastCommitted,
    long ThreadsConnected,
    GlobalPrivileges Privileges)
{
    /// <summary>Why this node must not be dumped, or null when it may: Galera nodes must be ready, Synced and in the Primary component.</summary>
    public string? Problem
    {
        get
        {
            if (!IsGalera)
            {
                return null;
            }

            if (!string.Equals(ClusterStatus, "Primary", StringComparison.Ordinal))
            {
                return $"not in the Primary component (wsrep_cluster_status={ClusterStatus ?? "unknown"})";
            }

            if (!Ready)
            {
                return "not ready (wsrep_ready=OFF)";
            }

            return string.Equals(LocalState, "Synced", StringComparison.Ordinal) ? null : $"{LocalState ?? "unknown state"}, not Synced";
        }
    }

    /// <summary>A short description for logs, e.g. <c>Synced, cluster size 3</c> or <c>standalone</c>.</summary>
    public string Summary => IsGalera ? $"{NodeName}: {LocalState}, {ClusterStatus}, cluster size {ClusterSize}" : "standalone (no wsrep)";
}
