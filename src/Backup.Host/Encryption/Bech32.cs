namespace Backup.Host.Encryption;

/// <summary>Bech32 (BIP 173) as age uses it for keys: any length, a checksum, one case throughout.</summary>
/// <remarks>
/// age does not apply BIP 173's 90-character limit and uses the original Bech32 constant (not Bech32m). Hand-written
/// because no served package does Bech32 without pulling in a whole Bitcoin library; it is 80 lines against the BIP's
/// reference code, and the CCTV vectors and the age CLI interop tests check it.
/// </remarks>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    /// <summary>Encodes <paramref name="data"/> under the human-readable part <paramref name="hrp"/>, in lower case.</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        hrp = hrp.ToLowerInvariant();
        var values = ConvertBits(data, 8, 5, pad: true)!;
        var checksum = Checksum(hrp, values);
        var chars = new char[hrp.Length + 1 + values.Length + 6];
        hrp.CopyTo(chars);
        chars[hrp.Length] = '1';
        var i = hrp.Length + 1;
        foreach (var v in values.Concat(checksum))
        {
            chars[i++] = Charset[v];
        }

        return new string(chars);
    }

    /// <summary>Decodes <paramref name="text"/>; null when it is not valid Bech32 (mixed case, bad character or checksum, bad padding).</summary>
    public static (string Hrp, byte[] Data)? Decode(string text)
    {
        if (text.Length < 8 || text.Any(c => c < 33 || c > 126) || (text.Any(char.IsLower) && text.Any(char.IsUpper)))
        {
            return null;
        }

        var lower = text.ToLowerInvariant();
        var separator = lower.LastIndexOf('1');
        if (separator < 1 || separator + 7 > lower.Length)
        {
            return null;
        }

        var hrp = lower[..separator];
        var values = new byte[lower.Length - separator - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var v = Charset.IndexOf(lower[separator + 1 + i]);
            if (v < 0)
            {
                return null;
            }

            values[i] = (byte)v;
        }

        if (Polymod(ExpandHrp(hrp).Concat(values)) != 1)
        {
            return null;
        }

        var data = ConvertBits(values.AsSpan(0, values.Length - 6), 5, 8, pad: false);
        return data is null ? null : (hrp, data);
    }

    private static byte[] Checksum(string hrp, byte[] values)
    {
        var mod = Polymod(ExpandHrp(hrp).Concat(values).Concat(new byte[6])) ^ 1;
        var checksum = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            checksum[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        }

        return checksum;
    }

    private static IEnumerable<byte> ExpandHrp(string hrp) =>
        hrp.Select(c => (byte)(c >> 5)).Append((byte)0).Concat(hrp.Select(c => (byte)(c & 31)));

    private static uint Polymod(IEnumerable<byte> values)
    {
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (var i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0)
                {
                    chk ^= Generator[i];
                }
            }
        }

        return chk;
    }

    private static byte[]? ConvertBits(ReadOnlySpan<byte> data, int from, int to, bool pad)
    {
        var acc = 0;
        var bits = 0;
        var result = new List<byte>(data.Length * from / to + 1);
        var maxValue = (1 << to) - 1;
        foreach (var value in data)
        {
            acc = (acc << from) | value;
            bits += from;
            while (bits >= to)
            {
                bits -= to;
                result.Add((byte)((acc >> bits) & maxValue));
            }
        }

        if (pad)
        {
            if (bits > 0)
            {
                result.Add((byte)((acc << (to - bits)) & maxValue));
            }
        }
        else if (bits >= from || ((acc << (to - bits)) & maxValue) != 0)
        {
            return null;
        }

        return [.. result];
    }
}
