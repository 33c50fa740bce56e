using System.Security.Cryptography;
using System.Text;

namespace Backup.Host.Encryption;

/// <summary>An age v1 header: the recipient stanzas and the HMAC that binds them to the file key.</summary>
/// <remarks>
/// Parsing is strict (canonical base64, 64-column body lines, LF only), so the bytes read are the canonical encoding
/// and the MAC is checked over them as read. Reading is bounded by <see cref="MaxBytes"/>: a hostile file cannot make
/// the reader buffer more, and the stanzas to try are bounded with it.
/// </remarks>
internal sealed partial class AgeHeader
{
    /// <summary>The largest header read: room for hundreds of X25519 recipients (~140 bytes each).</summary>
    public const int MaxBytes = 64 * 1024;

    private const int ColumnsPerLine = 64;

    private AgeHeader(IReadOnlyList<AgeStanza> stanzas, byte[] macInput, byte[] mac)
    {
        Stanzas = stanzas;
        MacInput = macInput;
        Mac = mac;
    }

    /// <summary>The recipient stanzas, in file order.</summary>
    public IReadOnlyList<AgeStanza> Stanzas { get; }

    /// <summary>The header bytes the MAC covers: everything up to and including <c>---</c>.</summary>
    private byte[] MacInput { get; }

    private byte[] Mac { get; }

    /// <summary>Encodes a header for <paramref name="stanzas"/> with its MAC under <paramref name="fileKey"/>.</summary>
    public static byte[] Encode(IEnumerable<AgeStanza> stanzas, ReadOnlySpan<byte> fileKey)
    {
        var text = new StringBuilder(AgeKeys.Version).Append('\n');
        foreach (var stanza in stanzas)
        {
            text.Append("-> ").Append(stanza.Type);
            foreach (var argument in stanza.Arguments)
            {
                text.Append(' ').Append(argument);
            }

            text.Append('\n');
            var body = AgeBase64.Encode(stanza.Body);
            for (var i = 0; i <= body.Length; i += ColumnsPerLine)
            {
                // The last line is always shorter than 64 columns, so a body that fills its lines ends with an empty one.
                text.Append(body, i, Math.Min(ColumnsPerLine, body.Length - i)).Append('\n');
            }
        }

        text.Append("---");
        var macInput = Encoding.ASCII.GetBytes(text.ToString());
        var mac = HMACSHA256.HashData(AgeKeys.HeaderMacKey(fileKey), macInput);
        return [.. macInput, .. Encoding.ASCII.GetBytes(" " + AgeBase64.Encode(mac) + "\n")];
    }

    /// <summary>Finds the file key in the stanzas with one of <paramref name="identities"/> and checks the header's MAC with it.</summary>
    /// <exception cref="AgeException">No identity matches, a stanza is malformed, or the MAC does not match.</exception>
    public byte[] Unlock(IReadOnlyList<AgeIdentity> identities)
    {
        var x25519 = Stanzas.Where(s => s.Type == "X25519").ToList();
        foreach (var stanza in x25519)
        {
            if (stanza.Arguments.Count != 1 || AgeBase64.Decode(stanza.Arguments[0]) is not { Length: 32 } || stanza.Body.Length != AgeKeys.FileKeySize + AgeKeys.TagSize)
            {
                throw Malformed("an X25519 stanza needs one 32-byte share and a 32-byte body");
            }
        }

        var fileKey = new byte[AgeKeys.FileKeySize];
        foreach (var identity in identities)
        {
            foreach (var stanza in x25519)
            {
                if (identity.TryUnwrap(stanza, fileKey))
                {
                    var expected = HMACSHA256.HashData(AgeKeys.HeaderMacKey(fileKey), MacInput);
                    if (!CryptographicOperations.FixedTimeEquals(expected, Mac))
                    {
                        throw new AgeException(AgeFailure.HeaderMacMismatch, "the age header's MAC does not match: the header was altered");
                    }

                    return fileKey;
                }
            }
        }

        var offered = string.Join(", ", identities.Select(i => i.Recipient.ToString()));
        throw new AgeException(
            AgeFailure.NoMatchingIdentity,
            $"no identity given can decrypt this file (it has {Stanzas.Count} recipient stanza(s); the identities given are for {offered}): wrong key");
    }

    private static AgeException Malformed(string why) => new(AgeFailure.MalformedHeader, $"the age header is malformed: {why}");
}
