namespace Backup.Abstractions;

/// <summary>Facts a source reports about the backup it just wrote, recorded in the backup's manifest.</summary>
/// <param name="Metadata">Flat key/value facts, e.g. <c>node</c>, <c>serverVersion</c>, <c>gtidPosition</c>, <c>layout</c>. Never secrets.</param>
public sealed record SourceResult(IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>A result with no metadata.</summary>
    public static SourceResult Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>What the backup holds, object by object (contract 1.3); <see langword="null"/> when the source does not know.</summary>
    public ContentInventory? Inventory { get; init; }

    /// <summary>The id of the backup this one is an increment on (<see cref="BackupContext.Previous"/>), or <see langword="null"/> for a full backup.</summary>
    /// <remarks>Since contract 1.3. Any other id than the one the host offered fails the run: a restore could not find the base.</remarks>
    public string? BasedOn { get; init; }
}
