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

    /// <summary>The names a spec may use, for error messages.</summary>
    public static string All => string.Join(", ", ByName.Keys);

    /// <summary>The layout named <paramref name="name"/>, or null.</summary>
    public static DumpLayout? Parse(string name) => ByName.TryGetValue(name, out var layout) ? layout : null;

    /// <summary>The name of <paramref name="layout"/>.</summary>
    public static string Name(DumpLayout layout) => ByName.First(kv => kv.Value == layout).Key;
}
