namespace Backup.Abstractions;

/// <summary>One setting of a plugin's section of the spec.</summary>
/// <param name="Key">The setting's key within its section.</param>
/// <param name="Value">A <see cref="string"/> (scalar), an <see cref="IReadOnlyList{T}"/> of <see cref="string"/> (sequence) or a nested <see cref="PluginSettings"/> (mapping).</param>
/// <param name="Location">Where the value is written, e.g. <c>job.yaml:12:7</c>, for error messages.</param>
public sealed record SettingValue(string Key, object Value, string Location);
