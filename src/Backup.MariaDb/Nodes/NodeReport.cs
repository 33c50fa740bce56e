namespace Backup.MariaDb.Nodes;

/// <summary>The outcome of probing one candidate: its status, or why it could not be probed or used.</summary>
/// <param name="Node">The candidate.</param>
/// <param name="Status">What it reported, or null when it could not be reached.</param>
/// <param name="Unreachable">Why it could not be probed (connection refused, login refused...), or null.</param>
internal sealed record NodeReport(NodeCandidate Node, NodeStatus? Status, string? Unreachable)
{
    /// <summary>Why the node must not be dumped, or null when it may.</summary>
    public string? Problem => Node.Unavailable ?? Unreachable ?? Status?.Problem;
}
