using System.Text;
using NSec.Cryptography;

namespace Backup.Host.Encryption;

/// <summary>The age v1 constants and the HKDF-SHA256 derivations every part of the format shares.</summary>
internal static class AgeKeys
{
    /// <summary>The first line of every age v1 file.</summary>
    public const string Version = "age-encryption.org/v1";

    /// <summary>The symmetric key every recipient stanza wraps.</summary>
    public const int FileKeySize = 16;

    /// <summary>The per-file nonce between the header and the first chunk.</summary>
    public const int PayloadNonceSize = 16;

    /// <summary>Plaintext bytes per STREAM chunk.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>The Poly1305 tag each chunk carries.</summary>
    public const int TagSize = 16;

    /// <summary>A full chunk as stored.</summary>
    public const int EncryptedChunkSize = ChunkSize + TagSize;

    /// <summary>Derives <paramref name="count"/> bytes by HKDF-SHA256 from <paramref name="inputKey"/>.</summary>
    public static byte[] Derive(ReadOnlySpan<byte> inputKey, ReadOnlySpan<byte> salt, string info, int count = 32)
    {
        using var secret = SharedSecret.Import(inputKey, SharedSecretBlobFormat.RawSharedSecret);
        return KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(secret, salt, Encoding.ASCII.GetBytes(info), count);
    }

    /// <summary>The key of the header's HMAC.</summary>
    public static byte[] HeaderMacKey(ReadOnlySpan<byte> fileKey) => Derive(fileKey, [], "header");

    /// <summary>The ChaCha20-Poly1305 key of the payload.</summary>
    public static Key PayloadKey(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> nonce) =>
        Key.Import(AeadAlgorithm.ChaCha20Poly1305, Derive(fileKey, nonce, "payload"), KeyBlobFormat.RawSymmetricKey);

    /// <summary>Writes the STREAM nonce of chunk <paramref name="counter"/>: an 11-byte big-endian counter and the last-chunk flag.</summary>
    public static void ChunkNonce(Span<byte> nonce, ulong counter, bool last)
    {
        nonce.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(nonce[3..11], counter);
        nonce[11] = last ? (byte)1 : (byte)0;
    }
}
