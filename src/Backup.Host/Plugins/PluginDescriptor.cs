using Backup.Abstractions;

namespace Backup.Host.Plugins;

/// <summary>A plugin found in the plugins directory: loaded, or with the reason it could not be.</summary>
/// <param name="Name">The plugin's name (from its entry type), or its folder name when it failed to load.</param>
/// <param name="Kind">Source or storage; null when it failed to load.</param>
/// <param name="Version">The plugin assembly's informational version.</param>
/// <param name="AbstractionsVersion">The Backup.Abstractions version the plugin was built against.</param>
/// <param name="AssemblyPath">The plugin's main assembly.</param>
/// <param name="Entry">The created entry object; null when loading failed.</param>
/// <param name="Error">Why loading failed, one line; null when loaded.</param>
internal sealed record PluginDescriptor(
    string Name,
    PluginKind? Kind,
    string Version,
    string AbstractionsVersion,
    string AssemblyPath,
    IBackupPlugin? Entry,
    string? Error)
{
    /// <summary>The optional capabilities its classes implement (see <see cref="PluginCapabilities"/>); empty when it failed to load.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Something worth knowing about a plugin that loaded (e.g. it carries no contract stamp); null when nothing.</summary>
    public string? Note { get; init; }
}
