namespace MyCompany.Backup.Storage.Tests;

/// <summary>Tests that must not share the process with tests running beside them (the kit bounds memory growth).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryBoundCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Memory-bound, not parallel";
}
