using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The server errors after which dumping the same node again, a moment later, can succeed.</summary>
/// <remarks>
/// Each names a race between the dump and another session, which a new snapshot does not meet again:
/// <list type="bullet">
/// <item>1412 (table definition has changed): a TRUNCATE or COPY ALTER replaced a table after the dump's snapshot
/// began (provoked for real in the tests with a TRUNCATE during the dump).</item>
/// <item>1146 (no such table), 1049 (unknown database): dropped between mariadb-dump listing and reading it; the
/// next attempt lists afresh.</item>
/// <item>1213 (deadlock), 1205 (lock wait timeout): the dump lost a lock conflict, e.g. <c>--lock-tables</c> from
/// <c>extraArgs</c> against a long transaction.</item>
/// </list>
/// Not retried: privileges (1044, 1045, 1142: the same next time), wsrep not ready (1047: the node is probed again
/// and passed over), and a lost connection (2013, 2006: the node went away, which the probe then reports, or a
/// packet was too long, which no retry fixes).
/// </remarks>
internal static partial class TransientDumpErrors
{
    private static readonly FrozenSet<int> Codes = FrozenSet.ToFrozenSet([1412, 1146, 1049, 1213, 1205]);

    /// <summary>Whether mariadb-dump's error output names a server error in this list.</summary>
    /// <param name="stderr">Its error output, e.g. <c>mariadb-dump: Error 1412: Table definition has changed ...</c>,
    /// <c>Couldn't execute '...': Table 't' doesn't exist (1146)</c> or <c>Got error: 1049: "Unknown database ..."</c>.</param>
    public static bool AreIn(string stderr) =>
        ErrorCode().Matches(stderr).Any(m => Codes.Contains(int.Parse(m.Groups["code"].Value, CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"(?:[Ee]rror:? (?<code>\d{4}):|\((?<code>\d{4})\))")]
    private static partial Regex ErrorCode();
}
