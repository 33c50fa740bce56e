namespace Backup.Sdk.Tests;

/// <summary>Shares one <see cref="SdkFixture"/> (packing and building is the slow part) between the test classes that need it.</summary>
[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<SdkFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "sdk";
}
