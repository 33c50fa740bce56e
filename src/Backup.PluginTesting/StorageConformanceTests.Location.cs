using Backup.Abstractions;
using FluentAssertions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>Object locations (<see cref="ILocatingBackupStorage"/>, contract 1.3): where the host tells the user an object is.</summary>
public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task The_location_of_an_object_is_one_line_names_it_and_differs_from_other_keys()
    {
        var storage = CreateStorage();
        var locating = Require<ILocatingBackupStorage>(storage, "to say where an object is");
        var key = $"{Prefix}/located/nightly-20261130T040000Z.tar.gz";
        await storage.UploadAsync(key, new PatternStream(10), UploadOptions.For("application/gzip"), default);

        var location = locating.LocationOf(key);

        location.Should().Contain("nightly-20261130T040000Z.tar.gz", "a user looks for the object by its name");
        locating.LocationOf($"{Prefix}/located/other.tar.gz").Should().NotBe(location);
        ShouldBeOneLineWithoutSecrets(location);
    }
}
