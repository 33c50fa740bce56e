using Backup.Abstractions;
using Backup.PluginTesting;

namespace MyCompany.Backup.Source.Tests;

/// <summary>Every test of the source conformance kit: entries and their names, cancellation, no secret in what the source writes.</summary>
/// <remarks>Point the settings at your real server (a throwaway one on 127.0.0.1 is fine).</remarks>
public sealed class SourceConformanceSpecs : SourceConformanceTests
{
    protected override IBackupSourcePlugin Plugin { get; } = new SourcePlugin();

    protected override PluginSettings CreateSettings() =>
        new("source.settings", "test.yaml:1:1", [new SettingValue("text", "hello", "test.yaml:2:3")]);
}
