using Backup.Abstractions;
using System.Globalization;

namespace Backup.Host.Pipeline;

/// <summary>The one rule for naming the tar entries a source entry is cut into: <c>name.000000</c>, <c>name.000001</c>, ...</summary>
/// <remarks>
/// The writer and every reader (verify, restore) use this, so the join is defined in one place. The numbers are
/// zero-padded to a fixed width so that a shell glob (<c>cat name.* &gt; name</c>) sorts them in order; six digits are
/// enough for a petabyte-sized entry at the largest chunk size and a terabyte at 1 MiB.
/// </remarks>
internal static class EntryChunks
{
    /// <summary>Digits of a chunk's number.</summary>
    public const int Digits = 6;

    /// <summary>The most chunks one entry can have.</summary>
    public const int MaxCount = 999_999;

    /// <summary>The tar entry name of chunk <paramref name="index"/> of entry <paramref name="entryName"/>.</summary>
    public static string NameOf(string entryName, int index) =>
        $"{entryName}.{index.ToString("D" + Digits, CultureInfo.InvariantCulture)}";

    /// <summary>Splits a chunk's tar entry name into the entry's name and the chunk's number; false when <paramref name="name"/> is not a chunk's name.</summary>
    public static bool TryParse(string name, out string entryName, out int index)
    {
        entryName = "";
        index = -1;
        var dot = name.Length - Digits - 1;
        if (dot < 1 || name[dot] != '.' || name.AsSpan(dot + 1).ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        entryName = name[..dot];
        index = int.Parse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>Throws unless a temp-backed writer may start entry <paramref name="entryName"/>: a usable name, not written yet, the temp disk not found full.</summary>
    /// <param name="entryName">The entry's name.</param>
    /// <param name="written">The entries written so far.</param>
    /// <param name="full">The full temp disk that stopped an earlier write, if one did: every later write fails with it.</param>
    public static void CheckNewEntry(string entryName, IEnumerable<EntryInfo> written, TempDirectoryException? full)
    {
        CheckSourceName(entryName);
        if (written.Any(e => e.Name == entryName))
        {
            throw new ArgumentException($"entry '{entryName}' was already written", nameof(entryName));
        }

        if (full is not null)
        {
            throw full;
        }
    }

    /// <summary>Throws when <paramref name="entryName"/> is not a name a source may give an entry: a plain file name of safe characters, not the manifest's.</summary>
    /// <exception cref="ArgumentException">The name is unusable.</exception>
    public static void CheckSourceName(string entryName)
    {
        if (!BackupEntryName.IsValid(entryName))
        {
            throw new ArgumentException($"entry name '{entryName}' must be a plain file name of letters, digits, '.', '_', '-' and not '{BackupManifest.EntryName}'", nameof(entryName));
        }
    }
}
