using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Contoso.Backup.DirectorySource;

/// <summary>Source <c>directory</c>: backs up a directory tree (e.g. a mounted ConfigMap or /etc/myapp) as one tar entry.</summary>
/// <remarks>
/// Settings: <c>path</c> (required) the directory; <c>entryName</c> (default <c>files.tar</c>) the entry's name in the backup.
/// </remarks>
public sealed class DirectorySourcePlugin : IBackupSourcePlugin
{
    /// <inheritdoc />
    public string Name => "directory";

    /// <inheritdoc />
    public IBackupSource CreateSource(PluginContext context)
    {
        // Read every setting before throwing, so the user sees all mistakes at once; the host reports unread keys.
        var settings = context.Settings;
        var path = settings.GetRequiredAbsolutePath("path");
        var entryName = settings.GetEntryName("entryName", "files.tar");
        settings.ThrowIfInvalid();

        // No file system access here: `backup validate` creates the source too, possibly on another machine.
        return new DirectorySource(path, entryName, context.LoggerFactory.CreateLogger<DirectorySource>());
    }
}
