using System.Globalization;
using Backup.Abstractions;

namespace Backup.Host.PointInTime;

/// <summary>Where a point-in-time restore stops: at a log position (<c>--to-gtid</c>) or at the end of a second (<c>--to-time</c>).</summary>
internal sealed record RecoveryTarget(LogPosition? Position, DateTimeOffset? Time)
{
    /// <inheritdoc />
    public override string ToString() => Position?.Text ?? Time!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
