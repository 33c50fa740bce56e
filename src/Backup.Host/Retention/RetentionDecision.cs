namespace Backup.Host.Retention;

/// <summary>What retention does with one backup, and why.</summary>
/// <param name="Id">The backup id.</param>
/// <param name="Timestamp">When it was made (UTC).</param>
/// <param name="Keep">Whether it is kept.</param>
/// <param name="Reasons">The rules that keep it (e.g. <c>last</c>, <c>daily</c>), or why it goes.</param>
internal sealed record RetentionDecision(string Id, DateTimeOffset Timestamp, bool Keep, IReadOnlyList<string> Reasons);
