using Backup.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;

namespace MyCompany.Backup.Source.Tests;

/// <summary>What the user sees for a wrong spec: every mistake at once, each with its location.</summary>
public sealed class SettingsSpecs
{
    [Fact]
    public void Every_settings_mistake_is_reported_at_once_with_its_location()
    {
        var settings = new PluginSettings("source.settings", "test.yaml:1:1", [new SettingValue("entryname", "x.txt", "test.yaml:2:3")]);

        var act = () => new SourcePlugin().CreateSource(new PluginContext(settings, NullLoggerFactory.Instance));

        act.Should().Throw<BackupSettingsException>();
        settings.Problems.Should().ContainSingle().Which.Should().Contain("source.settings.text is required");
        settings.UnreadKeys.Should().ContainSingle().Which.Should().Be("test.yaml:2:3: source.settings.entryname");
    }
}
