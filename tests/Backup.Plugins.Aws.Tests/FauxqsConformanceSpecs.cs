using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;
using Backup.PluginTesting;

namespace Backup.Plugins.Aws.Tests;

/// <summary>The storage contract against fauxqs, an S3 emulator that behaves like AWS with the SDK's default settings.</summary>
[Collection(MemoryBoundCollection.Name)]
public sealed class FauxqsConformanceSpecs : StorageConformanceTests
{
    protected override IBackupStoragePlugin Plugin { get; } = new AwsStoragePlugin();

    // The 300 MB upload runs here only (s3rver keeps the default 64 MB): ~38 parts of 8 MiB, about
    // (maxConcurrentParts + 1) x 8 MiB of buffers. Measured on 2 loaded cores: see docs/storage-aws.md.
    protected override long LargeObjectSize => 300L * 1000 * 1000;

    // fauxqs 2.4 ignores If-None-Match on PutObject and CompleteMultipartUpload and overwrites: the plugin's HEAD before and
    // ETag after catch a taken key, but not two uploads racing between them (both may succeed; measured with curl: a second
    // PUT with If-None-Match: * answers 200): the race test then asserts only that the stored object is one that succeeded.
    protected override bool ServerEnforcesCreateOnly => false;

    protected override PluginSettings CreateSettings() => S3Emulators.Fauxqs().ToSettings();

    protected override PluginSettings CreateMissingContainerSettings() => S3Emulators.Fauxqs("no-such-bucket").ToSettings();
}
