using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace MyCompany.Backup.Source;

/// <summary>Source <c>example-source</c>: the plugin's one public type, which the host finds and creates.</summary>
/// <remarks>Settings: <c>text</c> (required) what to back up; <c>entryName</c> (default <c>example.txt</c>) the entry it goes into.</remarks>
public sealed class SourcePlugin : IBackupSourcePlugin
{
    /// <summary>What a job spec writes: <c>source: {plugin: example-source}</c>.</summary>
    public string Name => "example-source";

    /// <summary>Reads and checks the settings; touches nothing (`backup validate` calls this too, maybe on another machine).</summary>
    public IBackupSource CreateSource(PluginContext context)
    {
        // Read every setting before throwing, so the user sees all mistakes at once; the host reports keys never read.
        var settings = context.Settings;
        var text = settings.GetRequiredString("text");
        var entryName = settings.GetEntryName("entryName", "example.txt");
        settings.ThrowIfInvalid();
        return new TextSource(text, entryName, context.LoggerFactory.CreateLogger<TextSource>());
    }
}
