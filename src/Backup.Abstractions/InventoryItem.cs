namespace Backup.Abstractions;

/// <summary>One object of a <see cref="ContentInventory"/>, e.g. a table with its row count or a view.</summary>
/// <param name="Schema">The namespace holding the object (a database's schema); empty when the source has none.</param>
/// <param name="Kind">What the object is, lower case, chosen by the source (e.g. <c>table</c>, <c>view</c>, <c>procedure</c>, <c>trigger</c>).</param>
/// <param name="Name">The object's name within its schema.</param>
/// <param name="Rows">How many rows (records) the object holds, when the source counts them; <see langword="null"/> for objects without rows.</param>
public sealed record InventoryItem(string Schema, string Kind, string Name, long? Rows);
