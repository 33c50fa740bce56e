using Backup.Abstractions;
using FluentAssertions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>Deleting (<see cref="IDeletableBackupStorage"/>): what retention and the clean-up of a failed run need.</summary>
public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Deleting_removes_the_object_and_deleting_a_missing_one_is_not_an_error()
    {
        var storage = CreateStorage();
        var deletable = Require<IDeletableBackupStorage>(storage, "to delete");
        var readable = Require<IReadableBackupStorage>(storage, "to see that the object is gone");
        var key = $"{Prefix}/deleted.bin";
        await storage.UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        await deletable.DeleteAsync(key, default);
        await deletable.DeleteAsync(key, default);

        (await readable.ListAsync(Prefix, default).ToListAsync()).Should().BeEmpty();
    }
}
