using NSec.Cryptography;

namespace Backup.Host.Encryption;

/// <summary>An age X25519 identity (private key, <c>AGE-SECRET-KEY-1...</c>): opens stanzas wrapped for its recipient.</summary>
/// <remarks>The key lives in libsodium's guarded memory and is wiped on dispose; <see cref="ToString"/> never shows it.</remarks>
internal sealed class AgeIdentity : IDisposable
{
    private const string Hrp = "age-secret-key-";
    private readonly Key _key;

    private AgeIdentity(Key key)
    {
        _key = key;
        Recipient = AgeRecipient.FromPublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The public key that encrypts to this identity.</summary>
    public AgeRecipient Recipient { get; }

    /// <summary>Parses <c>AGE-SECRET-KEY-1...</c>; null when it is not one (the reason, which never quotes the text, in <paramref name="problem"/>).</summary>
    public static AgeIdentity? TryParse(string text, out string problem)
    {
        problem = "";
        text = text.Trim();
        if (!text.StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal) || text != text.ToUpperInvariant())
        {
            problem = "an age identity is one line starting with 'AGE-SECRET-KEY-1' (from age-keygen)";
            return null;
        }

        var decoded = Bech32.Decode(text);
        if (decoded is not ({ } hrp, { } data) || hrp != Hrp || data.Length != 32)
        {
            problem = "not a valid age X25519 identity (bad Bech32 checksum, characters or length)";
            return null;
        }

        try
        {
            return new AgeIdentity(Key.Import(KeyAgreementAlgorithm.X25519, data, KeyBlobFormat.RawPrivateKey));
        }
        finally
        {
            Array.Clear(data);
        }
    }

    /// <summary>Parses <c>AGE-SECRET-KEY-1...</c> or throws <see cref="FormatException"/> with the reason.</summary>
    public static AgeIdentity Parse(string text) => TryParse(text, out var problem) ?? throw new FormatException(problem);

    /// <summary>Parses every identity in an identity file: one per line, <c>#</c> comments and blank lines ignored (age-keygen's format).</summary>
    /// <exception cref="FormatException">A line is not an identity, or there is none; the message never quotes the file.</exception>
    public static IReadOnlyList<AgeIdentity> ParseFile(string text)
    {
        var identities = new List<AgeIdentity>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var identity = TryParse(line, out var problem);
            if (identity is null)
            {
                identities.ForEach(i => i.Dispose());
                throw new FormatException($"line {number}: {problem}");
            }

            identities.Add(identity);
        }

        return identities.Count > 0 ? identities : throw new FormatException("holds no AGE-SECRET-KEY-1 line");
    }

    /// <summary>Creates a new random identity and returns it with its secret text (for tests and key generation).</summary>
    public static (AgeIdentity Identity, string Secret) Generate()
    {
        using var key = Key.Create(KeyAgreementAlgorithm.X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var raw = key.Export(KeyBlobFormat.RawPrivateKey);
        var secret = Bech32.Encode(Hrp, raw).ToUpperInvariant();
        Array.Clear(raw);
        return (TryParse(secret, out _)!, secret);
    }

    /// <summary>Unwraps the file key from an X25519 stanza; false when the stanza is not for this identity.</summary>
    /// <exception cref="AgeException">The stanza is malformed (then the whole header is).</exception>
    public bool TryUnwrap(AgeStanza stanza, Span<byte> fileKey)
    {
        var share = AgeBase64.Decode(stanza.Arguments[0])!;
        var x25519 = KeyAgreementAlgorithm.X25519;
        SharedSecret? shared;
        try
        {
            shared = x25519.Agree(_key, NSec.Cryptography.PublicKey.Import(x25519, share, KeyBlobFormat.RawPublicKey));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            shared = null;
        }

        if (shared is null)
        {
            throw new AgeException(AgeFailure.MalformedHeader, "the age header is malformed: an X25519 stanza's share is a low-order point");
        }

        using (shared)
        using (var wrapKey = AgeRecipient.WrapKey(shared, share, Recipient.PublicKey))
        {
            return AeadAlgorithm.ChaCha20Poly1305.Decrypt(wrapKey, new byte[12], [], stanza.Body, fileKey);
        }
    }

    /// <summary>Never the secret: the public key it belongs to.</summary>
    public override string ToString() => $"identity of {Recipient}";

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
