using Backup.Abstractions;
using FluentAssertions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>Reading and listing (<see cref="IReadableBackupStorage"/>): what list, verify and restore need; also how the tests see what an upload left.</summary>
public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Uploading_to_an_existing_key_replaces_the_object()
    {
        var storage = CreateStorage();
        var readable = Require<IReadableBackupStorage>(storage, "to read back which version is stored");
        var key = $"{Prefix}/replaced.txt";
        await storage.UploadAsync(key, new MemoryStream("first version, longer"u8.ToArray()), UploadOptions.For("text/plain"), default);

        await storage.UploadAsync(key, new MemoryStream("second"u8.ToArray()), UploadOptions.For("text/plain"), default);

        (await ReadAllAsync(readable, key)).Should().Equal("second"u8.ToArray());
    }

    [SkippableFact]
    public async Task Listing_by_prefix_returns_exactly_the_objects_under_it_with_their_sizes()
    {
        var storage = CreateStorage();
        var readable = Require<IReadableBackupStorage>(storage, "to list");
        await storage.UploadAsync($"{Prefix}/a/one.bin", new PatternStream(10), UploadOptions.For("application/octet-stream"), default);
        await storage.UploadAsync($"{Prefix}/a/two.bin", new PatternStream(20), UploadOptions.For("application/octet-stream"), default);
        await storage.UploadAsync($"{Prefix}/b/three.bin", new PatternStream(30), UploadOptions.For("application/octet-stream"), default);

        var listed = await readable.ListAsync($"{Prefix}/a/", default).ToListAsync();

        listed.Select(o => (o.Key, o.Length)).Should().BeEquivalentTo(new[] { ($"{Prefix}/a/one.bin", 10L), ($"{Prefix}/a/two.bin", 20L) });
        listed.Should().OnlyContain(o => o.LastModified > DateTimeOffset.UtcNow.AddDays(-1));
        (await readable.ListAsync($"{Prefix}/none/", default).ToListAsync()).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Reading_a_missing_object_fails_with_one_line_naming_the_key()
    {
        var readable = Require<IReadableBackupStorage>(CreateStorage(), "to read");
        var key = $"{Prefix}/missing.bin";

        var act = () => readable.OpenReadAsync(key, default);

        var error = (await act.Should().ThrowAsync<BackupStorageException>()).Which;
        error.Message.Should().Contain(key);
        ShouldBeOneLineWithoutSecrets(error.Message);
    }

    [SkippableFact]
    public async Task A_failed_upload_leaves_nothing_at_the_key()
    {
        var storage = CreateStorage();
        var readable = Require<IReadableBackupStorage>(storage, "to list what a failed upload left");
        var key = $"{Prefix}/failed.bin";

        var act = () => storage.UploadAsync(key, new PatternStream(LargeObjectSize, seekable: false, failAt: LargeObjectSize / 2), UploadOptions.For("application/gzip"), default);

        await act.Should().ThrowAsync<Exception>();
        (await readable.ListAsync(Prefix, default).ToListAsync()).Should().BeEmpty("a failed upload must not leave a partial object");
    }

    [SkippableFact]
    public async Task A_cancelled_upload_leaves_nothing_at_the_key()
    {
        var storage = CreateStorage();
        var readable = Require<IReadableBackupStorage>(storage, "to list what a cancelled upload left");
        var key = $"{Prefix}/cancelled.bin";
        using var cancellation = new CancellationTokenSource();
        var content = new PatternStream(LargeObjectSize, seekable: false, progress: read =>
        {
            if (read > LargeObjectSize / 3)
            {
                cancellation.Cancel();
            }
        });

        var act = () => storage.UploadAsync(key, content, UploadOptions.For("application/gzip"), cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await readable.ListAsync(Prefix, default).ToListAsync()).Should().BeEmpty("a cancelled upload must not leave a partial object");
    }
}
