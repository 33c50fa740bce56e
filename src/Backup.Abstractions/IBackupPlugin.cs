namespace Backup.Abstractions;

/// <summary>The entry point of a plugin assembly: one public, non-abstract class per plugin implements a derived interface.</summary>
/// <remarks>
/// The host finds the entry type by scanning the plugin assembly's exported types, creates it with its
/// parameterless constructor, and reads <see cref="Name"/> to match the spec. Keep the constructor cheap:
/// it runs for <c>backup plugins</c> too. Do real work in the <c>Create*</c> method.
/// </remarks>
public interface IBackupPlugin
{
    /// <summary>The name a job spec uses to select this plugin, e.g. <c>mariadb-ha</c> or <c>aws</c>; lower-case, stable.</summary>
    string Name { get; }
}
