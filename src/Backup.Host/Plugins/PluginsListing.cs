namespace Backup.Host.Plugins;

/// <summary>What <c>backup plugins --output json</c> prints: the directory, the host's contract, every plugin and every ignored entry.</summary>
/// <param name="Directory">The plugins directory searched.</param>
/// <param name="HostContract">The host's contract version.</param>
/// <param name="Plugins">Every plugin found, loaded or not.</param>
/// <param name="Ignored">Folders and files that hold no plugin, with the reason.</param>
internal sealed record PluginsListing(string Directory, string HostContract, IReadOnlyList<PluginsListing.Plugin> Plugins, IReadOnlyList<IgnoredEntry> Ignored)
{
    /// <summary>The listing of <paramref name="plugins"/>, loaded from <paramref name="catalog"/>.</summary>
    public static PluginsListing From(PluginCatalog catalog, IReadOnlyList<PluginDescriptor> plugins, string hostContract) => new(
        catalog.Directory,
        hostContract,
        plugins.Select(p => new Plugin(p.Name, p.Kind?.ToString().ToLowerInvariant(), p.Version, p.AbstractionsVersion, p.Capabilities, p.AssemblyPath, p.Error, p.Note)).ToList(),
        catalog.Ignored);

    /// <summary>One plugin: <paramref name="Kind"/> is <c>source</c>, <c>storage</c>, or null when it failed to load (then <paramref name="Error"/> says why).</summary>
    /// <param name="Name">Its name, or its folder's when it failed to load.</param>
    /// <param name="Kind">source, storage, or null.</param>
    /// <param name="Version">Its informational version.</param>
    /// <param name="Contract">The contract version it was built against.</param>
    /// <param name="Capabilities">Its optional capabilities.</param>
    /// <param name="Path">Its main assembly.</param>
    /// <param name="Error">Why it failed to load, or null.</param>
    /// <param name="Note">A remark on a loaded plugin, or null.</param>
    public sealed record Plugin(string Name, string? Kind, string Version, string Contract, IReadOnlyList<string> Capabilities, string Path, string? Error, string? Note);
}
