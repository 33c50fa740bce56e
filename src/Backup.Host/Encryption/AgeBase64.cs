namespace Backup.Host.Encryption;

/// <summary>The base64 age uses in headers: standard alphabet, no padding, canonical (unused bits zero).</summary>
internal static class AgeBase64
{
    /// <summary>Encodes <paramref name="data"/> without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    /// <summary>Decodes unpadded canonical base64; null when <paramref name="text"/> is anything else.</summary>
    public static byte[]? Decode(string text)
    {
        if (text.Length % 4 == 1 || text.Any(c => !(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '+' or '/')))
        {
            return null;
        }

        var padded = text + new string('=', (4 - text.Length % 4) % 4);
        var data = Convert.FromBase64String(padded);
        // .NET ignores non-zero unused bits; age rejects them so one value has one encoding (the MAC covers the text).
        return Encode(data) == text ? data : null;
    }
}
