namespace Backup.Plugins.MariaDbHa;

/// <summary>The spec and manifest names of <see cref="DumpLayout"/> values.</summary>
internal static class DumpLayoutNames
{
    private static readonly Dictionary<string, DumpLayout> ByName = new(StringComparer.Ordinal)
    {
        ["seed"] = DumpLayout.Seed,
        ["galera-safe"] = DumpLayout.GaleraSafe,
        ["schemas"] = DumpLayout.Schemas,
    };

    /// <summary>The names a spec may use.</summary>
    public static IReadOnlyCollection<string> All => ByName.Keys;

    /// <summary>The layout named <paramref name="name"/>, one of <see cref="All"/>.</summary>
    public static DumpLayout Parse(string name) => ByName[name];

    /// <summary>The name of <paramref name="layout"/>.</summary>
    public static string Name(DumpLayout layout) => ByName.First(kv => kv.Value == layout).Key;
}
