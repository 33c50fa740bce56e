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

    /// <summary>
    /// Two create-only uploads race for one key. Every storage must leave a whole object from an upload that reported
    /// success, and refuse any other with <see cref="BackupObjectExistsException"/>; where the server enforces the
    /// condition (<see cref="ServerEnforcesCreateOnly"/>), exactly one may succeed.
    /// </summary>
    /// <remarks>
    /// On a server that ignores the condition both may succeed (each checks before and after, the race is between), but
    /// the last writer's check still sees its own object, so what is stored is never a refused upload's nor a mix.
    /// </remarks>
    [SkippableFact]
    public async Task Of_two_create_only_uploads_racing_for_one_key_the_stored_one_succeeded_and_only_one_does_where_the_server_enforces_it()
    {
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

        attempts.Where(a => !a.IsCompletedSuccessfully).Should().NotContain(a => a.Exception!.InnerException!.GetType() != typeof(BackupObjectExistsException), "a refused upload is refused as a taken key");
        var succeeded = Enumerable.Range(0, attempts.Count).Where(i => attempts[i].IsCompletedSuccessfully).ToList();
        if (ServerEnforcesCreateOnly)
        {
            succeeded.Should().ContainSingle("the server refuses the second upload to a key");
        }

        succeeded.Select(i => contents[i].Sha1OfBytesRead()).Should().Contain(await ReadSha1Async(readable, key), "the stored object is one an upload reported stored");
    }
}
