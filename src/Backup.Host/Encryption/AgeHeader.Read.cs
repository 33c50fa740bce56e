using System.Text;

namespace Backup.Host.Encryption;

internal sealed partial class AgeHeader
{
    private static ReadOnlySpan<byte> VersionPrefix => "age-encryption.org/"u8;

    /// <summary>Reads and parses the header from <paramref name="source"/>; returns it with the bytes read past it.</summary>
    /// <exception cref="AgeException">Not an age v1 file, malformed, or larger than <see cref="MaxBytes"/>.</exception>
    public static async ValueTask<(AgeHeader Header, ReadOnlyMemory<byte> After)> ReadAsync(Stream source, bool async, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBytes + 4096];
        var filled = 0;
        var scanned = 0;
        while (true)
        {
            var prefix = Math.Min(filled, VersionPrefix.Length);
            if (!buffer.AsSpan(0, prefix).SequenceEqual(VersionPrefix[..prefix]))
            {
                throw new AgeException(AgeFailure.MalformedHeader, "not an age-encrypted file (it does not start with age-encryption.org/)");
            }

            var footerEnd = FindFooterEnd(buffer.AsSpan(0, filled), ref scanned);
            if (footerEnd >= 0)
            {
                return (Parse(buffer.AsSpan(0, footerEnd)), buffer.AsMemory(footerEnd, filled - footerEnd));
            }

            if (filled >= MaxBytes)
            {
                throw Malformed($"no end of header in the first {MaxBytes / 1024} KiB (not an age file, or a hostile one)");
            }

            var read = async
                ? await source.ReadAsync(buffer.AsMemory(filled, buffer.Length - filled), cancellationToken)
                : source.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                throw filled == 0
                    ? Malformed("the file is empty")
                    : Malformed("the file ends inside the header (truncated, or not an age file)");
            }

            filled += read;
        }
    }

    // The header ends with the first complete line that starts with "---"; stanza lines start with "->" and body lines
    // are base64, so nothing before it can look like one. Returns the index after its LF, or -1.
    private static int FindFooterEnd(ReadOnlySpan<byte> data, ref int scanned)
    {
        while (true)
        {
            var newline = data[scanned..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return -1;
            }

            var line = data.Slice(scanned, newline);
            var next = scanned + newline + 1;
            if (line.StartsWith("---"u8))
            {
                return next;
            }

            scanned = next;
        }
    }

    private static AgeHeader Parse(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b != '\n' && (b < 0x20 || b > 0x7e))
            {
                throw Malformed("it holds a byte that is not printable ASCII (CRLF line ends are not allowed)");
            }
        }

        var lines = Encoding.ASCII.GetString(bytes[..^1]).Split('\n');
        if (lines[0] != AgeKeys.Version)
        {
            throw lines[0].StartsWith("age-encryption.org/", StringComparison.Ordinal)
                ? Malformed($"unsupported version '{Truncate(lines[0])}'")
                : new AgeException(AgeFailure.MalformedHeader, "not an age-encrypted file (no age-encryption.org/v1 line)");
        }

        var stanzas = new List<AgeStanza>();
        var i = 1;
        while (lines[i].StartsWith("-> ", StringComparison.Ordinal))
        {
            var arguments = lines[i][3..].Split(' ');
            if (arguments.Any(a => a.Length == 0))
            {
                throw Malformed("a stanza has an empty argument");
            }

            i++;
            var body = new StringBuilder();
            while (true)
            {
                var line = lines[i];
                if (line.StartsWith("---", StringComparison.Ordinal) || line.StartsWith("->", StringComparison.Ordinal) || line.Length > ColumnsPerLine)
                {
                    throw Malformed("a stanza body does not end with a line shorter than 64 columns");
                }

                body.Append(line);
                i++;
                if (line.Length < ColumnsPerLine)
                {
                    break;
                }
            }

            var decoded = AgeBase64.Decode(body.ToString()) ?? throw Malformed("a stanza body is not canonical base64");
            stanzas.Add(new AgeStanza(arguments[0], arguments[1..], decoded));
        }

        if (i != lines.Length - 1 || !lines[i].StartsWith("--- ", StringComparison.Ordinal))
        {
            throw Malformed("expected a stanza ('-> ') or the MAC line ('--- ')");
        }

        if (stanzas.Count == 0)
        {
            throw Malformed("it has no recipient stanza");
        }

        if (stanzas.Any(s => s.Type == "scrypt") && stanzas.Count > 1)
        {
            throw Malformed("a passphrase (scrypt) stanza must be the only one");
        }

        var mac = AgeBase64.Decode(lines[i][4..]);
        if (mac is not { Length: 32 })
        {
            throw Malformed("the MAC is not 32 bytes of canonical base64");
        }

        var macInputLength = bytes.Length - 1 - (lines[i].Length - 3);
        return new AgeHeader(stanzas, bytes[..macInputLength].ToArray(), mac);
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
