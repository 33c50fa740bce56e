using Backup.Abstractions;
using Backup.Host.Encryption;

namespace Backup.Host.Pipeline;

internal sealed partial record BackupManifest
{
    /// <summary>The manifest to store beside an encrypted archive: only what the stored objects already show, plus the whole manifest sealed.</summary>
    /// <remarks>
    /// Kept in the clear: format version, job, backup id, times, source plugin, host version, the archive's name, size
    /// and SHA-1 (of the encrypted bytes), and the recipients. All of it is visible from the object names, sizes and the
    /// <c>.sha1</c> anyway, and it lets list, retention and verify-without-a-key work. Also in the clear: the change-log
    /// positions (<paramref name="logPositions"/>, e.g. the dump's GTID), which the archived binlogs' plaintext indexes
    /// show anyway and which point-in-time planning and binlog retention need without a private key. Sealed: the entries (names, sizes
    /// and SHA-1s of plaintext, which would confirm a guessed dump), the source's facts (node, server version,
    /// databases) and the inventory (schema and table names, row counts).
    /// </remarks>
    public async Task<BackupManifest> SealAsync(IReadOnlyCollection<AgeRecipient> recipients, IReadOnlyList<LogPosition> logPositions, CancellationToken cancellationToken)
    {
        var sealedBytes = new MemoryStream();
        await using (var age = new AgeEncryptingStream(sealedBytes, recipients, leaveOpen: true))
        {
            await age.WriteAsync(ToJsonBytes(), cancellationToken);
            await age.CompleteAsync(cancellationToken);
        }

        return this with
        {
            SourceMetadata = new Dictionary<string, string>(),
            Entries = [],
            Inventory = null,
            LogPositions = logPositions.Count == 0 ? null : logPositions,
            Encryption = new ManifestEncryption("age", recipients.Select(r => r.ToString()).ToList(), Convert.ToBase64String(sealedBytes.ToArray())),
        };
    }

    /// <summary>The full manifest sealed inside this one, decrypted with <paramref name="identities"/>.</summary>
    /// <exception cref="AgeException">The sealed copy cannot be decrypted (wrong key, damaged).</exception>
    /// <exception cref="InvalidDataException">There is no sealed copy, or it is not a manifest.</exception>
    public async Task<BackupManifest> UnsealAsync(IReadOnlyList<AgeIdentity> identities, CancellationToken cancellationToken)
    {
        if (Encryption?.Sealed is not { } text)
        {
            throw new InvalidDataException("the manifest beside the encrypted archive has no sealed copy");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException("the manifest's sealed copy is not base64");
        }

        await using var plain = await AgeDecryptingStream.OpenAsync(new MemoryStream(bytes), identities, cancellationToken);
        return await ReadAsync(plain, cancellationToken) ?? throw new InvalidDataException("the manifest's sealed copy is empty");
    }
}
