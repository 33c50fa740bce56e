namespace Backup.MariaDb.Nodes;

/// <summary>The privileges a login holds on <c>*.*</c>: its own and those of its active roles, as <c>SHOW GRANTS</c> lists them.</summary>
/// <remarks>
/// <c>SHOW GRANTS</c> rather than <c>information_schema.USER_PRIVILEGES</c>: the latter leaves out roles, so a user
/// whose default role holds the grants looked as if it had none (measured on 10.11), while <c>SHOW GRANTS</c> lists
/// the default role's grants and those of the roles granted to it.
/// </remarks>
internal sealed class GlobalPrivileges
{
    private const string AllPrivileges = "ALL PRIVILEGES";
    private const string Prefix = "GRANT ";
    private const string OnEverything = " ON *.* TO ";

    private readonly HashSet<string> _names;

    private GlobalPrivileges(HashSet<string> names) => _names = names;

    /// <summary>Reads the privilege names of the <c>GRANT ... ON *.* TO ...</c> lines; database, table, role and proxy grants do not count.</summary>
    /// <param name="grants">The rows of <c>SHOW GRANTS</c>; the rest of a line (password hash included) is never kept.</param>
    public static GlobalPrivileges Parse(IEnumerable<string> grants) =>
        new([.. grants
            .Where(line => line.StartsWith(Prefix, StringComparison.Ordinal) && line.Contains(OnEverything, StringComparison.Ordinal))
            .SelectMany(line => line[Prefix.Length..line.IndexOf(OnEverything, StringComparison.Ordinal)].Split(',', StringSplitOptions.TrimEntries))]);

    /// <summary>Whether <paramref name="privilege"/> (e.g. <c>SHOW VIEW</c>) is held on <c>*.*</c>, directly or through <c>ALL PRIVILEGES</c>.</summary>
    public bool Has(string privilege) => _names.Contains(AllPrivileges) || _names.Contains(privilege);
}
