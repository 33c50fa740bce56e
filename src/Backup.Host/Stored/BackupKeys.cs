using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Spec;

namespace Backup.Host.Stored;

/// <summary>Finds the private key an encrypted backup needs, from the spec's <c>encryption.identity</c>.</summary>
internal static class BackupKeys
{
    /// <summary>The identities to decrypt <paramref name="backup"/> with; null when it is not encrypted, or when no identity is configured and <paramref name="required"/> is false.</summary>
    /// <exception cref="BackupIntegrityException">The backup is encrypted, no identity is configured, and one is required (exit 7: nothing can be checked or loaded).</exception>
    /// <exception cref="BackupCredentialsException">The configured identity cannot be read or is not an age identity.</exception>
    public static async Task<AgeKeyRing?> ForAsync(JobSpec spec, StoredBackup backup, bool required, CancellationToken cancellationToken)
    {
        if (backup.Format is not { IsEncrypted: true })
        {
            return null;
        }

        if (spec.Encryption?.Identity is not { } source)
        {
            return required
                ? throw new BackupIntegrityException($"backup {backup.Id} is encrypted (age) and no private key is configured: set encryption.identity (file or env) in {spec.FilePath}; nothing was loaded")
                : null;
        }

        return new AgeKeyRing(await source.ReadAsync(Environment.GetEnvironmentVariable, cancellationToken));
    }
}
