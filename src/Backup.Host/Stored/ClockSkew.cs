namespace Backup.Host.Stored;

/// <summary>How far clocks may disagree before a backup's date is not believed.</summary>
/// <remarks>
/// A backup's id carries the start time by the clock of the host that made it. One made under a wrong clock (a node
/// set to 2031) would otherwise be the newest for ever: <c>--latest</c> would pick it and retention would keep it in
/// place of real backups. NTP keeps nodes within a second; S3 refuses requests signed more than 15 minutes off. Five
/// minutes leaves room for a slow NTP start without believing a date that is plainly wrong.
/// </remarks>
internal static class ClockSkew
{
    /// <summary>The largest difference between two clocks that is still taken as agreement.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Whether <paramref name="timestamp"/> is later than <paramref name="now"/> plus the tolerance.</summary>
    public static bool IsFuture(DateTimeOffset timestamp, DateTimeOffset now) => timestamp > now + Tolerance;
}
