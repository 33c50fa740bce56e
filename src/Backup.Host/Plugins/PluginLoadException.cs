namespace Backup.Host.Plugins;

/// <summary>A plugin the job needs could not be loaded (missing, broken, or built against an incompatible contract).</summary>
internal sealed class PluginLoadException(string message) : Exception(message);
