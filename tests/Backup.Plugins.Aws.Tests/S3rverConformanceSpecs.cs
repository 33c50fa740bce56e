using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;
using Backup.PluginTesting;

namespace Backup.Plugins.Aws.Tests;

/// <summary>The storage contract against s3rver, a strict S3-compatible store, with the plugin's S3-compatible settings.</summary>
[Collection(MemoryBoundCollection.Name)]
public sealed class S3rverConformanceSpecs : StorageConformanceTests
{
    protected override IBackupStoragePlugin Plugin { get; } = new AwsStoragePlugin();

    // s3rver 3.7 ignores If-None-Match on PutObject and CompleteMultipartUpload and overwrites: the plugin's HEAD before and
    // ETag after catch a taken key, but not two uploads racing between them (both may succeed; measured with curl: a second
    // PUT with If-None-Match: * answers 200): the race test then asserts only that the stored object is one that succeeded.
    protected override bool ServerEnforcesCreateOnly => false;

    protected override PluginSettings CreateSettings() => S3Emulators.S3rver().ToSettings();

    protected override PluginSettings CreateMissingContainerSettings() => S3Emulators.S3rver("no-such-bucket").ToSettings();
}
