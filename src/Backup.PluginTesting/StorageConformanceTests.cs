using System.Security.Cryptography;
using Backup.Abstractions;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>
/// The contract every storage plugin must meet, run against the plugin's real server: inherit it in the plugin's
/// test project, say how to make settings, and every <c>[Fact]</c> here runs for that plugin.
/// </summary>
/// <remarks>
/// Each test works under its own random prefix, so tests may share one bucket and run in any order. The storage is
/// created through the plugin's entry type, exactly as the host does, so settings validation is exercised too.
/// </remarks>
public abstract class StorageConformanceTests
{
    /// <summary>A prefix unique to this test instance; every key a test writes starts with it.</summary>
    protected string Prefix { get; } = $"conformance-{Guid.NewGuid():N}";

    /// <summary>The plugin under test (its public entry type).</summary>
    protected abstract IBackupStoragePlugin Plugin { get; }

    /// <summary>The size of the object in the large-upload test; big enough to need several parts/blocks/chunks.</summary>
    protected virtual long LargeObjectSize => 64L * 1024 * 1024;

    /// <summary>How much the process's peak working set may grow while uploading the large object.</summary>
    protected virtual long LargeObjectMemoryBudget => 200L * 1024 * 1024;

    /// <summary>Whether the server enforces create-only uploads itself (S3's <c>If-None-Match: *</c>, ...), so that of two racing uploads exactly one wins.</summary>
    /// <remarks>Override with false for a server known to ignore the condition (then the plugin can only check before and after, which a race slips through).</remarks>
    protected virtual bool ServerEnforcesCreateOnly => true;

    /// <summary>Settings for a working storage, as the spec's <c>storage.settings</c> would give them. Called once per storage created.</summary>
    protected abstract PluginSettings CreateSettings();

    /// <summary>Settings that name a bucket/container/directory that does not exist (or cannot be created).</summary>
    protected abstract PluginSettings CreateMissingContainerSettings();

    /// <summary>Creates the storage through the plugin's entry type and checks the host would accept the settings.</summary>
    protected IBackupStorage CreateStorage(PluginSettings? settings = null)
    {
        settings ??= CreateSettings();
        var storage = Plugin.CreateStorage(new PluginContext(settings, NullLoggerFactory.Instance));
        settings.Problems.Should().BeEmpty();
        settings.UnreadKeys.Should().BeEmpty("every setting given to the plugin must be one it knows");
        return storage;
    }

    [Fact]
    public async Task An_uploaded_object_reads_back_byte_for_byte()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/small.bin";
        var content = new PatternStream(100_000);

        var metadata = new Dictionary<string, string> { ["sha1"] = "0123456789abcdef0123456789abcdef01234567" };

        await storage.UploadAsync(key, content, new UploadOptions("application/octet-stream", 100_000, metadata), default);

        (await ReadSha1Async(storage, key)).Should().Be(content.Sha1OfBytesRead());
    }

    [Fact]
    public async Task A_stream_of_unknown_length_is_stored_completely()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/unknown-length.bin";
        var content = new PatternStream(3_500_000, seekable: false);

        await storage.UploadAsync(key, content, UploadOptions.For("application/gzip"), default);

        (await ReadSha1Async(storage, key)).Should().Be(content.Sha1OfBytesRead());
    }

    [Fact]
    public async Task An_empty_object_can_be_stored()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/empty.txt";

        await storage.UploadAsync(key, new MemoryStream(), new UploadOptions("text/plain", 0, new Dictionary<string, string>()), default);

        (await ReadSha1Async(storage, key)).Should().Be(Convert.ToHexStringLower(SHA1.HashData(Array.Empty<byte>())));
    }

    [Fact]
    public async Task Uploading_to_an_existing_key_replaces_the_object()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/replaced.txt";
        await storage.UploadAsync(key, new MemoryStream("first version, longer"u8.ToArray()), UploadOptions.For("text/plain"), default);

        await storage.UploadAsync(key, new MemoryStream("second"u8.ToArray()), UploadOptions.For("text/plain"), default);

        (await ReadAllAsync(storage, key)).Should().Equal("second"u8.ToArray());
    }

    [Fact]
    public async Task Listing_by_prefix_returns_exactly_the_objects_under_it_with_their_sizes()
    {
        var storage = CreateStorage();
        var readable = Readable(storage);
        await storage.UploadAsync($"{Prefix}/a/one.bin", new PatternStream(10), UploadOptions.For("application/octet-stream"), default);
        await storage.UploadAsync($"{Prefix}/a/two.bin", new PatternStream(20), UploadOptions.For("application/octet-stream"), default);
        await storage.UploadAsync($"{Prefix}/b/three.bin", new PatternStream(30), UploadOptions.For("application/octet-stream"), default);

        var listed = await readable.ListAsync($"{Prefix}/a/", default).ToListAsync();

        listed.Select(o => (o.Key, o.Length)).Should().BeEquivalentTo(new[] { ($"{Prefix}/a/one.bin", 10L), ($"{Prefix}/a/two.bin", 20L) });
        listed.Should().OnlyContain(o => o.LastModified > DateTimeOffset.UtcNow.AddDays(-1));
        (await readable.ListAsync($"{Prefix}/none/", default).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Deleting_removes_the_object_and_deleting_a_missing_one_is_not_an_error()
    {
        var storage = CreateStorage();
        var deletable = storage.Should().BeAssignableTo<IDeletableBackupStorage>("retention and failed-run clean-up need delete").Subject;
        var key = $"{Prefix}/deleted.bin";
        await storage.UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        await deletable.DeleteAsync(key, default);
        await deletable.DeleteAsync(key, default);

        (await Readable(storage).ListAsync(Prefix, default).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Reading_a_missing_object_fails_with_one_line_naming_the_key()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/missing.bin";

        var act = () => Readable(storage).OpenReadAsync(key, default);

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().Contain(key).And.NotContain("\n");
    }

    [Fact]
    public async Task A_failed_upload_leaves_nothing_at_the_key()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/failed.bin";

        var act = () => storage.UploadAsync(key, new PatternStream(LargeObjectSize, seekable: false, failAt: LargeObjectSize / 2), UploadOptions.For("application/gzip"), default);

        await act.Should().ThrowAsync<Exception>();
        (await Readable(storage).ListAsync(Prefix, default).ToListAsync()).Should().BeEmpty("a failed upload must not leave a partial object");
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_nothing_at_the_key()
    {
        var storage = CreateStorage();
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
        (await Readable(storage).ListAsync(Prefix, default).ToListAsync()).Should().BeEmpty("a cancelled upload must not leave a partial object");
    }

    [Fact]
    public async Task A_large_object_of_unknown_length_is_stored_completely_with_bounded_memory()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/large.bin";
        var content = new PatternStream(LargeObjectSize, seekable: false);
        using var peak = PeakWorkingSet.Start();

        await storage.UploadAsync(key, content, UploadOptions.For("application/gzip"), default);

        var growth = peak.Stop();
        growth.Should().BeLessThan(LargeObjectMemoryBudget, $"uploading {LargeObjectSize:N0} bytes must not buffer the whole object");
        (await ReadSha1Async(storage, key)).Should().Be(content.Sha1OfBytesRead());
        var listed = await Readable(storage).ListAsync(key, default).ToListAsync();
        listed.Should().ContainSingle().Which.Length.Should().Be(LargeObjectSize);
    }

    [Fact]
    public async Task A_missing_bucket_or_container_fails_with_one_line_naming_it()
    {
        var storage = CreateStorage(CreateMissingContainerSettings());
        var key = $"{Prefix}/nowhere.bin";

        var act = () => storage.UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        var error = (await act.Should().ThrowAsync<BackupStorageException>()).Which;
        error.Message.Should().NotContain("\n").And.Contain(key);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(20 * 1024 * 1024)]
    public async Task A_create_only_upload_to_a_taken_key_fails_naming_it_and_leaves_the_object_as_it_was(int size)
    {
        // Only for plugins that claim it (contract 1.2); an older plugin simply cannot create-only.
        if (CreateStorage() is not ICreateOnlyBackupStorage storage)
        {
            return;
        }

        var key = $"{Prefix}/taken-{size}.bin";
        var before = DateTimeOffset.UtcNow;
        var stamped = await storage.CreateAsync(key, new MemoryStream("first"u8.ToArray()), UploadOptions.For("text/plain"), default);
        var after = DateTimeOffset.UtcNow;

        var act = () => storage.CreateAsync(key, new PatternStream(size, seekable: false), UploadOptions.For("application/gzip"), default);

        var error = (await act.Should().ThrowAsync<BackupObjectExistsException>()).Which;
        error.Key.Should().Be(key);
        error.Message.Should().Contain(key).And.NotContain("\n");
        (await ReadAllAsync(storage, key)).Should().Equal("first"u8.ToArray());
        (await Readable(storage).ListAsync(Prefix, default).ToListAsync()).Should().ContainSingle("a refused upload leaves nothing of its own");
        if (stamped is { } time)
        {
            // The store's clock, second resolution: within the upload, give or take the tolerance of a test machine's clock.
            time.Should().BeOnOrAfter(before.AddMinutes(-1)).And.BeOnOrBefore(after.AddMinutes(1));
        }
    }

    [Fact]
    public async Task Of_two_create_only_uploads_racing_for_one_key_exactly_one_is_stored()
    {
        if (!ServerEnforcesCreateOnly || CreateStorage() is not ICreateOnlyBackupStorage storage)
        {
            return;
        }

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
        (await ReadSha1Async(storage, key)).Should().Be(winner.Sha1OfBytesRead());
    }

    /// <summary>The storage as a readable one; every storage in this repository must support restore.</summary>
    protected static IReadableBackupStorage Readable(IBackupStorage storage) =>
        storage.Should().BeAssignableTo<IReadableBackupStorage>("list, verify and restore need to read back").Subject;

    /// <summary>Reads an object and returns its SHA-1 (hex) without holding it in memory.</summary>
    protected static async Task<string> ReadSha1Async(IBackupStorage storage, string key)
    {
        await using var stream = await Readable(storage).OpenReadAsync(key, default);
        return Convert.ToHexStringLower(await SHA1.HashDataAsync(stream));
    }

    /// <summary>Reads a small object into memory.</summary>
    protected static async Task<byte[]> ReadAllAsync(IBackupStorage storage, string key)
    {
        await using var stream = await Readable(storage).OpenReadAsync(key, default);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
