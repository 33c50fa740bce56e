using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;
using Backup.PluginTesting;

namespace Backup.Plugins.Aws.Tests;

/// <summary>The storage contract against fauxqs, an S3 emulator that behaves like AWS with the SDK's default settings.</summary>
public sealed class FauxqsConformanceSpecs : StorageConformanceTests
{
    protected override IBackupStoragePlugin Plugin { get; } = new AwsStoragePlugin();

    protected override PluginSettings CreateSettings() => S3Emulators.Fauxqs().ToSettings();

    protected override PluginSettings CreateMissingContainerSettings() => S3Emulators.Fauxqs("no-such-bucket").ToSettings();
}
