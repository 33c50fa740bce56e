using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Dump;

namespace Backup.Plugins.MariaDbHa.Inventory;

/// <summary>The inventory of a dump (objects per schema, rows per table) read from the dump's own bytes as they stream past.</summary>
/// <remarks>
/// From the dump and not from information_schema: the dump is what a restore loads, so its text is the thing to
/// compare a restored server with; a query on the live server would be a second, later snapshot (DDL is not
/// transactional, so not even <c>--single-transaction</c> could share it), and the row counts must be the dump's.
/// </remarks>
internal sealed class DumpInventory
{
    private readonly DumpStatements _statements = new();
    private readonly DumpScanner _scanner;

    /// <summary>Creates an empty inventory.</summary>
    public DumpInventory() => _scanner = new DumpScanner(_statements);

    /// <summary>Whether the dump held more objects than a manifest records (<see cref="ContentInventory.MaxItems"/>).</summary>
    public bool Overflowed => _statements.Overflowed;

    /// <summary>The first schema the dump selects with USE without having created it, or null (see <see cref="DumpStatements.UncreatedSchema"/>).</summary>
    public string? UncreatedSchema => _statements.UncreatedSchema;

    /// <summary>Reads the next bytes of the dump.</summary>
    public void Scan(ReadOnlySpan<byte> data) => _scanner.Scan(data);

    /// <summary>Ends the dump and returns its inventory, or null after an overflow.</summary>
    public ContentInventory? Complete()
    {
        _scanner.Complete();
        return _statements.Inventory;
    }
}
