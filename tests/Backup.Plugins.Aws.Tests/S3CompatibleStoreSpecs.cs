using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;
using Backup.PluginTesting;
using Backup.Testing;

namespace Backup.Plugins.Aws.Tests;

/// <summary>
/// s3rver stands for the on-prem stores that keep the SDK's aws-chunked framing as the object's content: with the
/// S3-compatible settings the bytes match exactly; without them the plugin refuses to leave a corrupt object behind.
/// </summary>
public sealed class S3CompatibleStoreSpecs
{
    private readonly string _prefix = $"compat-{Guid.NewGuid():N}";

    [Theory]
    [InlineData(100_000)]
    [InlineData(20 * 1024 * 1024 + 17)]
    public async Task With_the_S3_compatible_settings_s3rver_stores_exactly_the_bytes_sent(int size)
    {
        var storage = Create(S3Emulators.S3rver());
        var key = $"{_prefix}/exact-{size}.bin";
        var content = new PatternStream(size, seekable: false);

        await storage.UploadAsync(key, content, UploadOptions.For("application/gzip"), default);

        await using var read = await storage.OpenReadAsync(key, default);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        copy.Length.Should().Be(size);
        Convert.ToHexStringLower(SHA1.HashData(copy.ToArray())).Should().Be(content.Sha1OfBytesRead());
    }

    [Fact]
    public async Task With_the_sdk_defaults_s3rver_stores_the_chunk_framing_as_content()
    {
        // The premise of the next test, shown with the bare SDK: the object reads back longer than what was sent.
        using var client = new AmazonS3Client(new BasicAWSCredentials(S3Emulators.AccessKey, S3Emulators.SecretKey), new AmazonS3Config
        {
            ServiceURL = S3Emulators.S3rverUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
        var key = $"{_prefix}/framed.bin";
        var bytes = new byte[10_000];
        Random.Shared.NextBytes(bytes);

        await client.PutObjectAsync(new PutObjectRequest { BucketName = S3Emulators.Bucket, Key = key, InputStream = new MemoryStream(bytes) });

        using var response = await client.GetObjectAsync(S3Emulators.Bucket, key);
        var stored = new MemoryStream();
        await response.ResponseStream.CopyToAsync(stored);
        stored.ToArray().Should().NotEqual(bytes, "s3rver keeps the aws-chunked framing");
        System.Text.Encoding.ASCII.GetString(stored.ToArray(), 0, 40).Should().Contain(";chunk-signature=");
    }

    [Fact]
    public async Task Without_the_S3_compatible_settings_the_upload_fails_clearly_and_leaves_nothing_at_the_key()
    {
        var settings = S3Emulators.S3rver();
        settings.Remove("requestChecksumCalculation");
        settings.Remove("responseChecksumValidation");
        settings.Remove("useChunkEncoding");
        var storage = Create(settings);
        var key = $"{_prefix}/refused.bin";

        var act = () => storage.UploadAsync(key, new PatternStream(100_000), UploadOptions.For("application/gzip"), default);

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should()
            .Contain(key).And.Contain("WHEN_REQUIRED").And.Contain("useChunkEncoding").And.NotContain("\n");
        (await storage.ListAsync(_prefix, default).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public void A_custom_endpoint_with_default_checksum_settings_logs_a_warning_naming_the_settings()
    {
        var settings = S3Emulators.S3rver();
        settings.Remove("requestChecksumCalculation");
        settings.Remove("responseChecksumValidation");
        var logs = new CapturingLoggerFactory();

        new AwsStoragePlugin().CreateStorage(new PluginContext(settings.ToSettings(), logs));

        logs.Messages.Should().ContainSingle().Which.Should().Contain("WHEN_REQUIRED").And.Contain("useChunkEncoding: false");
    }

    private static IReadableBackupStorage Create(Dictionary<string, object> values)
    {
        var settings = values.ToSettings();
        var storage = new AwsStoragePlugin().CreateStorage(new PluginContext(settings, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        settings.Problems.Should().BeEmpty();
        return (IReadableBackupStorage)storage;
    }
}
