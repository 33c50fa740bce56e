using System.Reflection;
using Backup.Abstractions;

namespace Backup.Host.Plugins;

/// <summary>The optional capabilities a plugin's types implement, read without creating a storage or source (which needs settings).</summary>
/// <remarks>
/// A storage or source exists only once made from a job's settings, so <c>backup plugins</c> looks at the plugin's
/// classes instead: what any of them implements is what the plugin can offer. A plugin whose factory picks between
/// classes may offer less for a given job; <c>backup run</c> still asks the object it got.
/// </remarks>
internal static class PluginCapabilities
{
    private static readonly (Type Interface, string Name)[] Known =
    [
        (typeof(IReadableBackupStorage), "read"),
        (typeof(IDeletableBackupStorage), "delete"),
        (typeof(ICreateOnlyBackupStorage), "create-only"),
        (typeof(IPreflightBackupStorage), "pre-flight"),
        (typeof(ILocatingBackupStorage), "location"),
        (typeof(IRestorableBackupSource), "restore"),
    ];

    /// <summary>The capability names (<c>read</c>, <c>delete</c>, <c>create-only</c>, <c>pre-flight</c>, <c>location</c>, <c>restore</c>) implemented in <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<string> Of(Assembly assembly)
    {
        var classes = assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }).ToList();
        return Known.Where(k => classes.Any(k.Interface.IsAssignableFrom)).Select(k => k.Name).ToList();
    }
}
