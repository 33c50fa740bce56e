using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Testing;
using Backup.TestPlugins.FakeSource;

namespace Backup.Host.Tests;

/// <summary>The source contract for the <c>fake</c> test source the host's tests rely on: it must behave as a real source does.</summary>
public sealed class FakeSourceConformanceSpecs : SourceConformanceTests
{
    protected override IBackupSourcePlugin Plugin { get; } = new FakeSourcePlugin();

    protected override PluginSettings CreateSettings() =>
        SettingsBuilder.From(new Dictionary<string, object> { ["entries"] = "2", ["bytes"] = "300000" });
}
