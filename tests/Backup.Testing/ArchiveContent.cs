using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Backup.Testing;

/// <summary>Reads a backup's <c>.tar.gz</c> as a user would after <c>tar xzf</c> and <c>cat name.* &gt; name</c>: each entry's chunks joined.</summary>
public static partial class ArchiveContent
{
    /// <summary>Every entry of the archive at <paramref name="path"/> by name, chunks (<c>name.000000</c>, ...) joined in order; <c>manifest.json</c> included.</summary>
    public static async Task<Dictionary<string, byte[]>> ReadAsync(string path)
    {
        var entries = new Dictionary<string, MemoryStream>(StringComparer.Ordinal);
        await using var tar = new TarReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (await tar.GetNextEntryAsync() is { } member)
        {
            var name = ChunkSuffix().Replace(member.Name, "");
            if (!entries.TryGetValue(name, out var content))
            {
                entries[name] = content = new MemoryStream();
            }

            if (member.DataStream is { } data)
            {
                await data.CopyToAsync(content);
            }
        }

        return entries.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\.[0-9]{6}$")]
    private static partial Regex ChunkSuffix();
}
