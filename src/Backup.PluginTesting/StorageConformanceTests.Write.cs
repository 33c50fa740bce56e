using System.Security.Cryptography;
using Backup.Abstractions;
using FluentAssertions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>Writing: what every storage must do (<see cref="IBackupStorage.UploadAsync"/>); checked byte for byte when the storage can read.</summary>
public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task An_uploaded_object_is_stored_and_reads_back_byte_for_byte_when_readable()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/small.bin";
        var content = new PatternStream(100_000);
        var metadata = new Dictionary<string, string> { ["sha1"] = "0123456789abcdef0123456789abcdef01234567" };

        await storage.UploadAsync(key, content, new UploadOptions("application/octet-stream", 100_000, metadata), default);

        await ShouldBeStoredAsync(storage, key, content, 100_000);
    }

    [SkippableFact]
    public async Task A_stream_of_unknown_length_is_stored_completely()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/unknown-length.bin";
        var content = new PatternStream(3_500_000, seekable: false);

        await storage.UploadAsync(key, content, UploadOptions.For("application/gzip"), default);

        await ShouldBeStoredAsync(storage, key, content, 3_500_000);
    }

    [SkippableFact]
    public async Task An_empty_object_can_be_stored()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/empty.txt";

        await storage.UploadAsync(key, new MemoryStream(), new UploadOptions("text/plain", 0, new Dictionary<string, string>()), default);

        if (storage is IReadableBackupStorage readable)
        {
            (await ReadSha1Async(readable, key)).Should().Be(Convert.ToHexStringLower(SHA1.HashData(Array.Empty<byte>())));
        }
    }

    [SkippableFact]
    public async Task A_large_object_of_unknown_length_is_stored_completely_with_bounded_memory()
    {
        var storage = CreateStorage();
        var key = $"{Prefix}/large.bin";
        var content = new PatternStream(LargeObjectSize, seekable: false);
        using var peak = PeakWorkingSet.Start();

        await storage.UploadAsync(key, content, UploadOptions.For("application/gzip"), default);

        var growth = peak.Stop();
        growth.Should().BeLessThan(LargeObjectMemoryBudget, $"uploading {LargeObjectSize:N0} bytes must not buffer the whole object");
        if (storage is IReadableBackupStorage readable)
        {
            (await ReadSha1Async(readable, key)).Should().Be(content.Sha1OfBytesRead());
            var listed = await readable.ListAsync(key, default).ToListAsync();
            listed.Should().ContainSingle().Which.Length.Should().Be(LargeObjectSize);
        }
    }

    [SkippableFact]
    public async Task A_missing_bucket_or_container_fails_with_one_line_naming_the_key()
    {
        var storage = CreateStorage(CreateMissingContainerSettings());
        var key = $"{Prefix}/nowhere.bin";

        var act = () => storage.UploadAsync(key, new PatternStream(1000), UploadOptions.For("application/octet-stream"), default);

        var error = (await act.Should().ThrowAsync<BackupStorageException>()).Which;
        error.Message.Should().Contain(key);
        ShouldBeOneLineWithoutSecrets(error.Message);
    }

    [SkippableFact]
    public async Task A_content_stream_that_fails_fails_the_upload()
    {
        var storage = CreateStorage();

        var act = () => storage.UploadAsync($"{Prefix}/failing.bin", new PatternStream(1_000_000, seekable: false, failAt: 500_000), UploadOptions.For("application/gzip"), default);

        await act.Should().ThrowAsync<Exception>("an upload whose content could not be read completely must not report success");
    }

    /// <summary>Checks that the upload read all <paramref name="length"/> bytes of <paramref name="content"/> and, when the storage can read, that they read back.</summary>
    private static async Task ShouldBeStoredAsync(IBackupStorage storage, string key, PatternStream content, long length)
    {
        content.Sha1OfBytesRead().Should().Be(PatternStream.Sha1Of(length), "the upload must read its content to the end");
        if (storage is IReadableBackupStorage readable)
        {
            (await ReadSha1Async(readable, key)).Should().Be(content.Sha1OfBytesRead());
        }
    }
}
