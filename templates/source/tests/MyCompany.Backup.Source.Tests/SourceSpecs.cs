using System.Text;
using Backup.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;

namespace MyCompany.Backup.Source.Tests;

/// <summary>The source created through its entry type, as the host does, and run into an in-memory writer.</summary>
public sealed class SourceSpecs
{
    [Fact]
    public async Task The_text_is_written_as_one_entry()
    {
        var writer = new CollectingWriter();
        var source = Create(new SettingValue("text", "hello", "test.yaml:2:3"));

        var result = await source.BackupAsync(Context(writer), CancellationToken.None);

        writer.Entries.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("example.txt", "hello"));
        result.Metadata.Should().Contain("bytes", "5");
    }

    [Fact]
    public void Every_settings_mistake_is_reported_at_once_with_its_location()
    {
        var settings = new PluginSettings("source.settings", "test.yaml:1:1", [new SettingValue("entryname", "x.txt", "test.yaml:2:3")]);

        var act = () => new SourcePlugin().CreateSource(new PluginContext(settings, NullLoggerFactory.Instance));

        act.Should().Throw<BackupSettingsException>();
        settings.Problems.Should().ContainSingle().Which.Should().Contain("source.settings.text is required");
        settings.UnreadKeys.Should().ContainSingle().Which.Should().Be("test.yaml:2:3: source.settings.entryname");
    }

    [Fact]
    public async Task A_cancelled_backup_stops_with_OperationCanceledException()
    {
        var source = Create(new SettingValue("text", "hello", "test.yaml:2:3"));

        var act = () => source.BackupAsync(Context(new CollectingWriter()), new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    private static IBackupSource Create(params SettingValue[] values)
    {
        var settings = new PluginSettings("source.settings", "test.yaml:1:1", values);
        var source = new SourcePlugin().CreateSource(new PluginContext(settings, NullLoggerFactory.Instance));
        settings.UnreadKeys.Should().BeEmpty();
        return source;
    }

    private static BackupContext Context(IBackupWriter writer) =>
        new("test", "test-20260101T000000Z", DateTimeOffset.UtcNow, Path.GetTempPath(), writer);

    /// <summary>Keeps each entry as text, as the host would store it.</summary>
    private sealed class CollectingWriter : IBackupWriter
    {
        public Dictionary<string, string> Entries { get; } = [];

        public async Task WriteEntryAsync(string entryName, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var buffer = new MemoryStream();
            await writeContent(buffer, cancellationToken);
            Entries.Add(entryName, Encoding.UTF8.GetString(buffer.ToArray()));
        }
    }
}
