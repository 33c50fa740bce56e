namespace Backup.Abstractions;

/// <summary>What a backup holds, object by object, as the source saw it while writing: recorded in the manifest so a drill can compare a restored server with it.</summary>
/// <param name="Items">The objects, in no particular order; at most <see cref="MaxItems"/>, each (schema, kind, name) once.</param>
/// <remarks>Added in contract 1.3. Generic on purpose: the host compares inventories without knowing what a schema or a table is.</remarks>
public sealed record ContentInventory(IReadOnlyList<InventoryItem> Items)
{
    /// <summary>The most items a manifest records; a source with more reports no inventory (the manifest must stay small enough to read whole).</summary>
    public const int MaxItems = 20_000;
}
