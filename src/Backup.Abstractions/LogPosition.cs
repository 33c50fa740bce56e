namespace Backup.Abstractions;

/// <summary>A point in a source's change log (for MariaDB a GTID such as <c>1-1-57</c>), as far as the host needs to order and compare points.</summary>
/// <param name="Stream">The log stream the point belongs to (for MariaDB the GTID domain); points of different streams are not comparable.</param>
/// <param name="Sequence">The point's number in its stream: consecutive transactions have consecutive numbers, so a jump is a gap.</param>
/// <param name="Text">The point as the user writes it and the source parses it, e.g. <c>1-1-57</c>.</param>
/// <remarks>Added in contract 1.3 for point-in-time recovery. The host never parses <paramref name="Text"/>: it stores it and hands it back.</remarks>
public sealed record LogPosition(string Stream, long Sequence, string Text)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}
