using Backup.Abstractions;

namespace Backup.Host.Spec;

/// <summary>The <c>source</c> or <c>storage</c> section of a spec: which plugin, and its settings.</summary>
/// <param name="Section">The section's name in the spec (<c>source</c> or <c>storage</c>).</param>
/// <param name="Plugin">The plugin's name, e.g. <c>mariadb-ha</c>.</param>
/// <param name="PluginLocation">Where the plugin name is written, for messages.</param>
/// <param name="Settings">The plugin's settings section.</param>
internal sealed record PluginSpec(string Section, string Plugin, string PluginLocation, PluginSettings Settings);
