using Backup.Abstractions;

namespace Backup.Host.Encryption;

/// <summary>Reads the age identities (private keys) from where the spec's <c>encryption.identity</c> says: a file (e.g. a mounted Kubernetes Secret) or an environment variable.</summary>
/// <remarks>
/// The bounded read is the contract's <see cref="SecretReference"/>, the one reader of such secrets: the database
/// password and the webhook secrets come through it too. The host has no Kubernetes client, so there is no API-server
/// source; a Secret mounted as a volume or passed by <c>secretKeyRef</c> reaches the pod the same way. Read only by
/// commands that decrypt (verify, restore), never by <c>backup run</c>: the backup pod holds public keys only.
/// </remarks>
internal static class IdentitySource
{
    /// <summary>The setting that names the place, for messages.</summary>
    public const string Setting = "encryption.identity";

    /// <summary>Reads and parses the identities at <paramref name="reference"/>.</summary>
    /// <exception cref="BackupCredentialsException">Unset, unreadable, empty, too large or not an age identity; the message never quotes the contents.</exception>
    public static async Task<IReadOnlyList<AgeIdentity>> ReadAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        var text = await reference.ReadAsync(cancellationToken);
        try
        {
            return AgeIdentity.ParseFile(text);
        }
        catch (FormatException ex)
        {
            throw new BackupCredentialsException($"{reference.Setting}: {reference.Describe()} is not an age identity: {ex.Message}");
        }
    }
}
