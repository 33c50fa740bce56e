using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>The entries of a verified backup, decompressed (and untarred) from its compressed archive while the source reads them.</summary>
/// <remarks>
/// The archive is opened anew for every entry: the staged copy in temp, or a second download (<c>--no-staging</c>).
/// A tar is read forward to the entry asked for, so entries read out of order cost decompression, not disk. Every
/// entry is checked again against the verified manifest while it is read (<see cref="VerifiedEntryStream"/>).
/// </remarks>
/// <param name="verified">The backup as the verifying pass saw it.</param>
/// <param name="openArchive">Opens the archive's stored bytes from the start.</param>
/// <param name="identities">The private keys of an encrypted archive, else null.</param>
/// <param name="origin">Where <paramref name="openArchive"/> reads, for messages, e.g. <c>the staged copy</c>.</param>
/// <param name="watch">Receives a mismatch and stops the load.</param>
/// <param name="loaded">Counts the entry bytes the source reads, for progress.</param>
internal sealed class CompressedEntries(
    VerifiedBackup verified,
    Func<CancellationToken, Task<Stream>> openArchive,
    IReadOnlyList<AgeIdentity>? identities,
    string origin,
    IntegrityWatch watch,
    ProgressMeter loaded) : IBackupReader
{
    private readonly ArchiveFormat _format = verified.Backup.Format!;

    /// <inheritdoc />
    public IReadOnlyList<string> EntryNames { get; } = verified.Manifest.Entries.Select(e => e.Name).ToList();

    /// <inheritdoc />
    public async Task<Stream> OpenAsync(string entryName, CancellationToken cancellationToken)
    {
        var info = verified.Manifest.Entries.FirstOrDefault(e => e.Name == entryName)
            ?? throw new ArgumentException($"the backup has no entry '{entryName}' (entries: {string.Join(", ", EntryNames)})", nameof(entryName));

        var raw = await openArchive(cancellationToken);
        var owner = new Owner([raw]);
        try
        {
            // The age layer authenticates each 64 KiB chunk as it is read; the entry's SHA-1 below covers the whole.
            var compressed = _format.IsEncrypted ? owner.Add(await DecryptAsync(raw, cancellationToken)) : raw;
            var data = _format.IsTar ? await SeekTarEntryAsync(owner, compressed, info, cancellationToken) : owner.Add(_format.OpenDecompression(compressed));
            return new MeteredReadStream(new VerifiedEntryStream(data, info, origin, watch, owner), loaded);
        }
        catch
        {
            await owner.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads the tar up to <paramref name="info"/>'s entry (its chunks joined); a manifest before it must be the verified one, or the archive changed.</summary>
    /// <remarks>A chunked archive has its manifest last: there the entry's own SHA-1, checked as it is read, is what tells a change.</remarks>
    private async Task<Stream> SeekTarEntryAsync(Owner owner, Stream compressed, EntryInfo info, CancellationToken cancellationToken)
    {
        var gzip = owner.Add(new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true));
        var tar = new TarReader(gzip, leaveOpen: true);
        owner.Add(tar);
        var entries = new ArchiveEntries(tar);
        try
        {
            while (await entries.NextAsync(cancellationToken) is { } entry)
            {
                if (entry.Name == BackupManifest.EntryName)
                {
                    var manifest = await BackupManifest.ReadAsync(entry.Data, cancellationToken);
                    if (manifest is null || manifest.BackupId != verified.Manifest.BackupId || !manifest.Entries.SequenceEqual(verified.Manifest.Entries))
                    {
                        throw Changed("its manifest differs from the verified one");
                    }
                }
                else if (entry.Name == info.Name)
                {
                    return entry.Data;
                }
            }
        }
        catch (Exception ex) when (ArchiveFormat.IsDataDamage(ex) || ex is JsonException or AgeException)
        {
            throw Changed($"reading it failed: {ex.Message.ReplaceLineEndings(" ")}");
        }

        throw Changed($"entry '{info.Name}' is missing");
    }

    private async Task<Stream> DecryptAsync(Stream raw, CancellationToken cancellationToken)
    {
        try
        {
            return await AgeDecryptingStream.OpenAsync(raw, identities!, cancellationToken, leaveOpen: true);
        }
        catch (AgeException ex)
        {
            throw Changed($"its age header cannot be read again: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    private BackupIntegrityException Changed(string what) =>
        watch.Report(new BackupIntegrityException(
            $"backup {verified.Backup.Id} read from {origin} is not what was verified: {what}; nothing more was loaded, the target may hold part of the backup: restore again into an empty target"));

    /// <summary>The streams under an entry, disposed together, innermost last.</summary>
    private sealed class Owner(List<object> parts) : IAsyncDisposable
    {
        public T Add<T>(T part)
            where T : class
        {
            parts.Add(part);
            return part;
        }

        public async ValueTask DisposeAsync()
        {
            for (var i = parts.Count - 1; i >= 0; i--)
            {
                if (parts[i] is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
            }
        }
    }
}
