using System.Buffers;

namespace Backup.Abstractions;

/// <summary>The rule for the names a source gives its entries (<see cref="IBackupWriter.WriteEntryAsync"/>), shared by the host that enforces it and the sources and test kits that check it.</summary>
public static class BackupEntryName
{
    /// <summary>The entry the host writes into every backup itself; no source may use the name.</summary>
    public const string Reserved = "manifest.json";

    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    /// <summary>Whether <paramref name="name"/> is a plain file name of ASCII letters, digits, '.', '_' and '-' (not '.', '..' or <see cref="Reserved"/>).</summary>
    public static bool IsValid(string name) =>
        name.Length > 0 && name is not ("." or ".." or Reserved) && !name.AsSpan().ContainsAnyExcept(Allowed);
}
