namespace Backup.Host.Plugins;

/// <summary>Something in the plugins directory that is not loaded as a plugin, and why (so a misnamed folder is never silently skipped).</summary>
/// <param name="Path">The folder or file.</param>
/// <param name="Reason">Why it is not a plugin, one line, saying what to do.</param>
internal sealed record IgnoredEntry(string Path, string Reason);
