namespace Backup.Host.Pipeline;

/// <summary>What the manifest beside an encrypted archive says about the encryption.</summary>
/// <param name="Format">The encryption format, <c>age</c> (age-encryption.org/v1).</param>
/// <param name="Recipients">The public keys the archive (and <paramref name="Sealed"/>) is encrypted to, so an operator knows which private key opens it.</param>
/// <param name="Sealed">The full manifest (entries, their sizes and SHA-1s, the source's facts), age-encrypted to the same recipients, base64.</param>
internal sealed record ManifestEncryption(string Format, IReadOnlyList<string> Recipients, string Sealed);
