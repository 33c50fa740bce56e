using System.Text;
using Backup.Abstractions;
using Backup.MariaDb.Nodes;
using MySqlConnector;

namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>Reads what a server holds in the terms of a dump's inventory (see <see cref="Inventory.DumpInventory"/>): objects from information_schema, rows by <c>SELECT COUNT(*)</c>.</summary>
internal static class TargetInventory
{
    // Names travel as hex so that no character in them (tab, newline, quote) can confuse the reading.
    private static readonly string ObjectsSql =
        $"""
        SELECT HEX(table_schema), IF(table_type = 'VIEW', 'view', 'table'), HEX(table_name) FROM information_schema.tables
          WHERE table_type IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW') AND table_schema NOT IN ({SystemSchemas.SqlList})
        UNION ALL SELECT HEX(routine_schema), LOWER(routine_type), HEX(routine_name) FROM information_schema.routines
          WHERE routine_type IN ('PROCEDURE', 'FUNCTION') AND routine_schema NOT IN ({SystemSchemas.SqlList})
        UNION ALL SELECT HEX(trigger_schema), 'trigger', HEX(trigger_name) FROM information_schema.triggers
          WHERE trigger_schema NOT IN ({SystemSchemas.SqlList})
        UNION ALL SELECT HEX(event_schema), 'event', HEX(event_name) FROM information_schema.events
          WHERE event_schema NOT IN ({SystemSchemas.SqlList})
        """;

    /// <summary>Reads the objects of every non-system schema of <paramref name="node"/>, with the row count of every table.</summary>
    public static async Task<ContentInventory> ReadAsync(NodeProbe probe, NodeCandidate node, CancellationToken cancellationToken)
    {
        await using var connection = await probe.OpenAsync(node, cancellationToken).ConfigureAwait(false);
        var objects = new List<(string Schema, string Kind, string Name)>();
        await using (var command = new MySqlCommand(ObjectsSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                objects.Add((FromHex(reader.GetString(0)), reader.GetString(1), FromHex(reader.GetString(2))));
                if (objects.Count > ContentInventory.MaxItems)
                {
                    throw new BackupRestoreException($"target {node.Address} holds more than {ContentInventory.MaxItems:N0} objects, more than any inventory records");
                }
            }
        }

        var items = new List<InventoryItem>(objects.Count);
        foreach (var (schema, kind, name) in objects)
        {
            long? rows = null;
            if (kind == "table")
            {
                // No timeout: counting a big table is the point of the drill.
                await using var count = new MySqlCommand($"SELECT COUNT(*) FROM {Quote(schema)}.{Quote(name)}", connection) { CommandTimeout = 0 };
                rows = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }

            items.Add(new InventoryItem(schema, kind, name, rows));
        }

        return new ContentInventory(items);
    }

    private static string Quote(string name) => $"`{name.Replace("`", "``", StringComparison.Ordinal)}`";

    private static string FromHex(string hex) => Encoding.UTF8.GetString(Convert.FromHexString(hex));
}
