namespace Backup.EndToEnd.Tests;

/// <summary>Tests that load whole-server dumps into the shared restore server: they run one at a time, or one would drop tables under another.</summary>
[CollectionDefinition(Name)]
public sealed class RestoreTargetCollection
{
    /// <summary>The collection's name, for <c>[Collection(RestoreTargetCollection.Name)]</c>.</summary>
    public const string Name = "restore target";
}
