using Microsoft.Extensions.Logging;

namespace Backup.Abstractions;

/// <summary>What the host hands a plugin when it creates it: its section of the spec and a way to log.</summary>
/// <param name="Settings">The plugin's <c>settings</c> section of the job spec, with <c>${VAR}</c> already substituted.</param>
/// <param name="LoggerFactory">Creates loggers that write to the host's log.</param>
public sealed record PluginContext(PluginSettings Settings, ILoggerFactory LoggerFactory);
