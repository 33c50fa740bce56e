using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Spec;

namespace Backup.Host.Stored;

/// <summary>Finds the private key an encrypted backup or archived binlog needs, from the spec's <c>encryption.identity</c>.</summary>
internal static class BackupKeys
{
    /// <summary>The identities to decrypt <paramref name="backup"/> with; null when it is not encrypted, or when no identity is configured and <paramref name="required"/> is false.</summary>
    /// <exception cref="BackupIntegrityException">The backup is encrypted, no identity is configured, and one is required (exit 7: nothing can be checked or loaded).</exception>
    /// <exception cref="BackupCredentialsException">The configured identity cannot be read or is not an age identity.</exception>
    public static Task<AgeKeyRing?> ForAsync(JobSpec spec, StoredBackup backup, bool required, CancellationToken cancellationToken) =>
        backup.Format is not { IsEncrypted: true }
            ? Task.FromResult<AgeKeyRing?>(null)
            : ReadAsync(spec, required ? $"backup {backup.Id} is encrypted (age)" : null, cancellationToken);

    /// <summary>The identities to decrypt archived binlogs with, <paramref name="what"/> naming the encrypted ones for the message when no identity is configured.</summary>
    /// <exception cref="BackupIntegrityException">No identity is configured (exit 7, as for an encrypted backup).</exception>
    /// <exception cref="BackupCredentialsException">The configured identity cannot be read or is not an age identity.</exception>
    public static async Task<AgeKeyRing> ForLogsAsync(JobSpec spec, string what, CancellationToken cancellationToken) =>
        (await ReadAsync(spec, what, cancellationToken))!;

    // requiredFor: what is encrypted, for the message; null when a missing identity is no error.
    private static async Task<AgeKeyRing?> ReadAsync(JobSpec spec, string? requiredFor, CancellationToken cancellationToken)
    {
        if (spec.Encryption?.Identity is not { } source)
        {
            return requiredFor is not null
                ? throw new BackupIntegrityException($"{requiredFor} and no private key is configured: set encryption.identity (file or env) in {spec.FilePath}; nothing was loaded")
                : null;
        }

        return new AgeKeyRing(await IdentitySource.ReadAsync(source, cancellationToken));
    }
}
