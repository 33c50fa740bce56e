using System.Globalization;
using Backup.Abstractions;

namespace Backup.MariaDb.Binlogs;

/// <summary>A MariaDB GTID, <c>domain-server-sequence</c>; with <c>wsrep_gtid_mode=ON</c> every Galera node gives a write set the same one.</summary>
internal sealed record Gtid(uint Domain, uint Server, ulong Sequence)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Domain}-{Server}-{Sequence}");

    /// <summary>The GTID as the host sees it: the domain is the stream, the sequence number orders it.</summary>
    public LogPosition ToPosition() => new(Domain.ToString(CultureInfo.InvariantCulture), checked((long)Sequence), ToString());

    /// <summary>Parses <c>D-S-N</c> (three unsigned decimal numbers), or returns null.</summary>
    public static Gtid? Parse(string text)
    {
        var parts = text.Trim().Split('-');
        return parts.Length == 3
            && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server)
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            && sequence <= long.MaxValue
            ? new Gtid(domain, server, sequence)
            : null;
    }

    /// <summary>Parses a GTID list such as <c>1-1-57,11-1-3</c> or <c>[1-1-57]</c> (as <c>SHOW BINLOG EVENTS</c> prints it); entries that are not GTIDs are left out.</summary>
    public static IReadOnlyList<Gtid> ParseList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : [.. text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).OfType<Gtid>()];
}
