using Backup.Abstractions;
using FluentAssertions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>Create-only uploads (<see cref="ICreateOnlyBackupStorage"/>, contract 1.2): a run never replaces an object it did not create.</summary>
public abstract partial class StorageConformanceTests
{
    [SkippableTheory]
    [InlineData(1000)]
    [InlineData(20 * 1024 * 1024)]
    public async Task A_create_only_upload_to_a_taken_key_fails_naming_it_and_leaves_the_object_as_it_was(int size)
    {
        var created = CreateStorage();
        var storage = Require<ICreateOnlyBackupStorage>(created, "to refuse a taken key");
        var readable = Require<IReadableBackupStorage>(created, "to see that the first object is untouched");
        var key = $"{Prefix}/taken-{size}.bin";
        var before = DateTimeOffset.UtcNow;
        var stamped = await storage.CreateAsync(key, new MemoryStream("first"u8.ToArray()), UploadOptions.For("text/plain"), default);
        var after = DateTimeOffset.UtcNow;

        var act = () => storage.CreateAsync(key, new PatternStream(size, seekable: false), UploadOptions.For("application/gzip"), default);

        var error = (await act.Should().ThrowAsync<BackupObjectExistsException>()).Which;
        error.Key.Should().Be(key);
        error.Message.Should().Contain(key);
        ShouldBeOneLineWithoutSecrets(error.Message);
        (await ReadAllAsync(readable, key)).Should().Equal("first"u8.ToArray());
        (await readable.ListAsync(Prefix, default).ToListAsync()).Should().ContainSingle("a refused upload leaves nothing of its own");
        if (stamped is { } time)
        {
            // The store's clock, second resolution: within the upload, give or take the tolerance of a test machine's clock.
            time.Should().BeOnOrAfter(before.AddMinutes(-1)).And.BeOnOrBefore(after.AddMinutes(1));
        }
    }

    [SkippableFact]
    public async Task Of_two_create_only_uploads_racing_for_one_key_exactly_one_is_stored()
    {
        Skip.IfNot(ServerEnforcesCreateOnly, $"{GetType().Name} says its server ignores the create-only condition ({nameof(ServerEnforcesCreateOnly)} is false), so a race cannot be refused");
        var created = CreateStorage();
        var storage = Require<ICreateOnlyBackupStorage>(created, "to race two create-only uploads");
        var readable = Require<IReadableBackupStorage>(created, "to see which upload won");
        var key = $"{Prefix}/raced.bin";
        var contents = new[] { new PatternStream(3_000_000, seekable: false), new PatternStream(3_000_001, seekable: false) };

        var attempts = contents.Select(c => Task.Run(() => storage.CreateAsync(key, c, UploadOptions.For("application/gzip"), default))).ToList();
        try
        {
            await Task.WhenAll(attempts);
        }
        catch (BackupObjectExistsException)
        {
            // Inspected below.
        }

        attempts.Count(a => a.IsCompletedSuccessfully).Should().Be(1);
        attempts.Single(a => !a.IsCompletedSuccessfully).Exception!.InnerException.Should().BeOfType<BackupObjectExistsException>();
        var winner = contents[attempts.FindIndex(a => a.IsCompletedSuccessfully)];
        (await ReadSha1Async(readable, key)).Should().Be(winner.Sha1OfBytesRead());
    }
}
