using NSec.Cryptography;

namespace Backup.Host.Encryption;

/// <summary>An age X25519 recipient (public key, <c>age1...</c>): whoever holds its identity can decrypt what is encrypted to it.</summary>
internal sealed class AgeRecipient
{
    private const string Hrp = "age";
    private const string StanzaInfo = "age-encryption.org/v1/X25519";
    private readonly byte[] _publicKey;

    private AgeRecipient(byte[] publicKey) => _publicKey = publicKey;

    /// <summary>The raw 32-byte Curve25519 public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Parses <c>age1...</c>; null when <paramref name="text"/> is not an X25519 recipient (the reason in <paramref name="problem"/>).</summary>
    public static AgeRecipient? TryParse(string text, out string problem)
    {
        problem = "";
        if (!text.StartsWith("age1", StringComparison.Ordinal))
        {
            problem = "an age recipient starts with 'age1' (a public key from age-keygen; never the AGE-SECRET-KEY line)";
            return null;
        }

        if (Bech32.Decode(text) is not ({ } hrp, { } data) || hrp != Hrp || text != text.ToLowerInvariant())
        {
            problem = "not a valid age recipient (bad Bech32 checksum or characters)";
            return null;
        }

        if (data.Length != 32)
        {
            problem = $"an X25519 age recipient holds 32 bytes, this one {data.Length} (other recipient types are not supported)";
            return null;
        }

        return new AgeRecipient(data);
    }

    /// <summary>Parses <c>age1...</c> or throws <see cref="FormatException"/> with the reason.</summary>
    public static AgeRecipient Parse(string text) => TryParse(text, out var problem) ?? throw new FormatException(problem);

    /// <summary>Creates the recipient of a raw public key.</summary>
    public static AgeRecipient FromPublicKey(ReadOnlySpan<byte> publicKey) => new(publicKey.ToArray());

    /// <summary>Wraps <paramref name="fileKey"/> for this recipient with a fresh ephemeral key.</summary>
    public AgeStanza Wrap(ReadOnlySpan<byte> fileKey)
    {
        var x25519 = KeyAgreementAlgorithm.X25519;
        using var ephemeral = Key.Create(x25519);
        var share = ephemeral.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var recipient = NSec.Cryptography.PublicKey.Import(x25519, _publicKey, KeyBlobFormat.RawPublicKey);
        // NSec throws on a low-order public key (all-zero shared secret), as age requires.
        using var shared = x25519.Agree(ephemeral, recipient) ?? throw new FormatException("the recipient's public key is a low-order point");
        using var wrapKey = WrapKey(shared, share, _publicKey);
        var body = AeadAlgorithm.ChaCha20Poly1305.Encrypt(wrapKey, new byte[12], [], fileKey);
        return new AgeStanza("X25519", [AgeBase64.Encode(share)], body);
    }

    /// <summary>The stanza's wrapping key: HKDF-SHA256 of the shared secret, salted with the ephemeral share and the recipient.</summary>
    internal static Key WrapKey(SharedSecret shared, ReadOnlySpan<byte> share, ReadOnlySpan<byte> recipient)
    {
        var salt = new byte[64];
        share.CopyTo(salt);
        recipient.CopyTo(salt.AsSpan(32));
        return KeyDerivationAlgorithm.HkdfSha256.DeriveKey(shared, salt, System.Text.Encoding.ASCII.GetBytes(StanzaInfo), AeadAlgorithm.ChaCha20Poly1305);
    }

    /// <summary>The <c>age1...</c> form.</summary>
    public override string ToString() => Bech32.Encode(Hrp, _publicKey);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AgeRecipient other && _publicKey.AsSpan().SequenceEqual(other._publicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_publicKey);
}
