using System.Text.Json;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>The streaming-mode half of the verifier: one compressed entry, its manifest beside it.</summary>
internal static partial class ArchiveVerifier
{
    /// <summary>Reads the manifest beside a streaming backup; without it the entry's name, size and SHA-1 are unknown, so it is required.</summary>
    public static async Task<BackupManifest> ReadStreamedManifestAsync(IReadableBackupStorage storage, StoredBackup backup, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        if (backup.ManifestKey is null)
        {
            throw new BackupIntegrityException(
                $"backup {backup.Id} is incomplete: {backup.Id}{ArtifactNames.ManifestSuffix} is missing, and a {backup.Format!.Suffix} backup has its entry's name and checksum only there");
        }

        var where = storage.WhereIs(backup.ManifestKey);
        BackupManifest? manifest;
        try
        {
            await using var stream = await storage.OpenReadAsync(backup.ManifestKey, cancellationToken);
            manifest = await BackupManifest.ReadAsync(stream, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new BackupIntegrityException($"backup {backup.Id}: {where} is not a manifest: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        if (backup.Format!.IsEncrypted && manifest is not null)
        {
            // Beside an encrypted object the entry's name, size and SHA-1 are sealed, to the same keys as the object.
            try
            {
                manifest = await manifest.UnsealAsync(identities!, cancellationToken);
            }
            catch (Exception ex) when (ex is AgeException or InvalidDataException or JsonException)
            {
                var what = ex is AgeException { Failure: AgeFailure.NoMatchingIdentity } ? "cannot be decrypted" : "is damaged";
                throw new BackupIntegrityException($"backup {backup.Id}: the sealed manifest in {where} {what}: {ex.Message.ReplaceLineEndings(" ")}", ex);
            }
        }

        var problem = manifest switch
        {
            null or { Entries: null } or { SourceMetadata: null } => "it is not a manifest written by this tool",
            _ when manifest.BackupId != backup.Id => $"it belongs to backup {manifest.BackupId}",
            { Entries.Count: not 1 } => $"it lists {manifest.Entries.Count} entries, a {backup.Format!.Suffix} holds exactly one",
            _ when !ArtifactNames.IsSafeName(manifest.Entries[0].Name) || manifest.Entries[0].Name == BackupManifest.EntryName =>
                $"its entry name '{manifest.Entries[0].Name}' is not a plain file name",
            _ => null,
        };
        return problem is null ? manifest! : throw new BackupIntegrityException($"backup {backup.Id}: {where} is unusable: {problem}");
    }

    /// <summary>Decompresses the whole object (every gzip member or zstd frame, with their own checks) and compares the entry with the manifest.</summary>
    private static async Task<BackupManifest> ReadStreamedEntryAsync(Stream raw, ArchiveFormat format, BackupManifest manifest, Func<string, Stream>? entrySink, CancellationToken cancellationToken)
    {
        await using var decompressed = format.OpenDecompression(raw);
        await CopyAndCheckEntryAsync(decompressed, manifest.Entries[0], entrySink, cancellationToken);
        return manifest;
    }
}
