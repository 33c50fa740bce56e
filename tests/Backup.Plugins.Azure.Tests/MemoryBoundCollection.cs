namespace Backup.Plugins.Azure.Tests;

/// <summary>The storage conformance tests measure the whole test process's peak working set, so nothing else in this assembly runs beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryBoundCollection
{
    public const string Name = "Memory-bound, not parallel";
}
