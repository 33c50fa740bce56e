using Backup.Abstractions;
using Backup.Host.Encryption;

namespace Backup.Host.Spec;

/// <summary>The <c>encryption</c> section: the age recipients every backup is encrypted to, and where a restore finds a private key.</summary>
/// <param name="Recipients">The public keys (<c>age1...</c>); any one's identity decrypts a backup. Never empty.</param>
/// <param name="Identity">Where verify and restore read the identity (private key); null when this spec is only for backing up.</param>
internal sealed record EncryptionSpec(IReadOnlyList<AgeRecipient> Recipients, SecretReference? Identity);
