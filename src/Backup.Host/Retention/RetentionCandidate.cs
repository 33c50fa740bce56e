namespace Backup.Host.Retention;

/// <summary>What the retention planner needs to know about one backup.</summary>
/// <param name="Id">The backup id.</param>
/// <param name="Timestamp">When it was made (UTC).</param>
/// <param name="IsComplete">Whether its <c>.sha1</c> (and archive) exist.</param>
/// <param name="IsFutureDated">Whether it is dated later than now plus the clock-skew tolerance (made under a wrong clock).</param>
internal sealed record RetentionCandidate(string Id, DateTimeOffset Timestamp, bool IsComplete, bool IsFutureDated = false);
