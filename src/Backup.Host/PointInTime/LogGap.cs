using Backup.Abstractions;

namespace Backup.Host.PointInTime;

/// <summary>Transactions missing from the archive: everything after <paramref name="After"/> and before <paramref name="Before"/>.</summary>
internal sealed record LogGap(LogPosition After, LogPosition Before)
{
    /// <inheritdoc />
    public override string ToString() => $"after {After} before {Before}";
}
