namespace Backup.Plugins.MariaDbHa;

/// <summary>The schemas every MariaDB server has of its own: not user data, so neither a restore's emptiness check nor an inventory counts them.</summary>
internal static class SystemSchemas
{
    /// <summary>The names, lower case.</summary>
    public static readonly IReadOnlyList<string> Names = ["mysql", "information_schema", "performance_schema", "sys"];

    /// <summary>The names as an SQL list, for <c>NOT IN (...)</c>.</summary>
    public static string SqlList => string.Join(',', Names.Select(n => $"'{n}'"));

    /// <summary>Whether <paramref name="schema"/> is one of them (schema names compare case-insensitively here, as on a default server).</summary>
    public static bool Contains(string schema) => Names.Contains(schema, StringComparer.OrdinalIgnoreCase);
}
