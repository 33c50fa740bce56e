using System.Globalization;
using Backup.Abstractions;

namespace Backup.Host.Drill;

/// <summary>Compares what a backup recorded with what a restored server holds, object by object; pure, so it is tested without a server.</summary>
internal static class InventoryComparison
{
    /// <summary>One line per difference, sorted: objects missing on the target, objects the backup does not have, row counts that differ.</summary>
    public static IReadOnlyList<string> Differences(ContentInventory expected, ContentInventory actual)
    {
        var want = ByKey(expected);
        var have = ByKey(actual);
        var lines = new List<string>();
        foreach (var (key, item) in want)
        {
            if (!have.TryGetValue(key, out var found))
            {
                lines.Add($"{Describe(item)}: in the backup{(item.Rows is null ? "" : $" with {Rows(item.Rows)}")}, not on the target");
            }
            else if (item.Rows is { } rows && found.Rows != rows)
            {
                lines.Add($"{Describe(item)}: {Rows(rows)} in the backup, {Rows(found.Rows)} on the target");
            }
        }

        lines.AddRange(have.Where(h => !want.ContainsKey(h.Key)).Select(h => $"{Describe(h.Value)}: on the target, not in the backup"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary><c>table `shop`.`orders`</c>: the kind and the quoted, qualified name.</summary>
    public static string Describe(InventoryItem item) =>
        item.Schema.Length == 0 ? $"{item.Kind} `{item.Name}`" : $"{item.Kind} `{item.Schema}`.`{item.Name}`";

    private static string Rows(long? rows) => rows switch
    {
        null => "no row count",
        1 => "1 row",
        _ => $"{rows.Value.ToString("N0", CultureInfo.InvariantCulture)} rows",
    };

    // Later duplicates (a forged manifest) do not throw: the first one counts.
    private static Dictionary<(string, string, string), InventoryItem> ByKey(ContentInventory inventory)
    {
        var byKey = new Dictionary<(string, string, string), InventoryItem>();
        foreach (var item in inventory.Items)
        {
            byKey.TryAdd((item.Schema, item.Kind, item.Name), item);
        }

        return byKey;
    }
}
