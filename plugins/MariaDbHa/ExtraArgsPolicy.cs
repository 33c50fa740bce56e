using System.Collections.Frozen;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Which mariadb-dump options <c>extraArgs</c> may add: those that only shape the dump written to stdout.</summary>
/// <remarks>
/// An allow-list, not a deny-list: mariadb-dump accepts any unambiguous prefix of a long option (<c>--res=</c> is
/// <c>--result-file=</c>), <c>_</c> for <c>-</c>, <c>--loose-</c>/<c>--skip-</c>/<c>--enable-</c>/<c>--disable-</c>
/// in front of a name, clustered short options (<c>-r</c>, <c>-uroot</c>) and new options in every release; a
/// deny-list would have to foresee every spelling, an allow-list only accepts full names it knows. Refused, among
/// others: options that write files (<c>--result-file</c>, <c>--tab</c>, <c>--log-error</c>, <c>--debug</c>), that
/// change the server, user or credentials (<c>--host</c>, <c>--port</c>, <c>--socket</c>, <c>--protocol</c>,
/// <c>--user</c>, <c>--password</c>, <c>--defaults-*</c>, <c>--no-defaults</c>), that load code or files
/// (<c>--plugin-dir</c>, <c>--default-auth</c>, <c>--character-sets-dir</c>), that change the server's state
/// (<c>--delete-master-logs</c>, <c>--flush-logs</c>, <c>--dump-slave</c>), and those that break the completeness
/// check (<c>--comments</c>/<c>--compact</c> drop the trailer, <c>--force</c> carries on after errors, <c>--xml</c>).
/// TLS options are allowed: they read certificate files but cannot send the dump anywhere else.
/// </remarks>
internal static class ExtraArgsPolicy
{
    private static readonly FrozenSet<string> Allowed = FrozenSet.ToFrozenSet(
    [
        "add-drop-database", "add-drop-table", "add-drop-trigger", "add-locks", "allow-keywords", "all-tablespaces",
        "as-of", "compatible", "complete-insert", "compress", "create-options", "default-character-set", "delayed-insert",
        "disable-keys", "dump-date", "dump-history", "events", "extended-insert", "flush-privileges", "galera-info", "gtid",
        "hex-blob", "ignore-database", "ignore-table", "ignore-table-data", "include-master-host-port", "insert-ignore",
        "lock-all-tables", "lock-tables", "log-queries", "master-data", "max-allowed-packet", "max-statement-time",
        "net-buffer-length", "no-autocommit", "no-create-db", "no-create-info", "no-data", "no-data-med", "no-set-names",
        "no-tablespaces", "opt", "order-by-primary", "order-by-size", "quick", "quote-names", "replace", "routines",
        "set-charset", "single-transaction", "system", "triggers", "tz-utc", "verbose", "where",
        "ssl", "ssl-ca", "ssl-capath", "ssl-cert", "ssl-cipher", "ssl-crl", "ssl-crlpath", "ssl-key", "ssl-verify-server-cert", "tls-version",
    ], StringComparer.Ordinal);

    // my_getopt's prefixes: loose- (ignore if unknown) first, then one of the boolean ones.
    private static readonly string[] BooleanPrefixes = ["skip-", "enable-", "disable-"];

    /// <summary>Why <paramref name="argument"/> may not be passed to mariadb-dump, or null when it may.</summary>
    public static string? Problem(string argument)
    {
        if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
        {
            // A short option's value follows its letter (-r/path): name the letter only.
            var shown = argument.StartsWith('-') && argument.Length > 2 && argument[1] != '-' ? argument[..2] : argument;
            return $"has '{Shown(shown)}', which is not a long option (--name or --name=value): short options, '--' and database or table names are not accepted";
        }

        var written = argument[2..].Split('=', 2)[0];
        var name = written.Replace('_', '-');
        name = name.StartsWith("loose-", StringComparison.Ordinal) ? name["loose-".Length..] : name;

        // As the client does: the whole name first (disable-keys is an option), then without a boolean prefix.
        return Allowed.Contains(name) || BooleanPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal) && Allowed.Contains(name[p.Length..]))
            ? null
            : $"has '--{Shown(written)}', which is not an allowed mariadb-dump option: extraArgs takes only full option names that shape the dump " +
              "(no abbreviations; nothing that writes files, changes the server, user or credentials, or loads code; list in docs/security.md)";
    }

    // The option as the user wrote it, one line, without its value (a value may be a path or worse).
    private static string Shown(string text) =>
        new([.. text.Split('=', 2)[0].Select(c => char.IsControl(c) ? '?' : c)]);
}
