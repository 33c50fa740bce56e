using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Spec;

namespace Backup.Host.Stored;

/// <summary>Finds a job's backups in its storage: the objects directly under its prefix whose names match its template.</summary>
/// <param name="storage">The job's storage.</param>
/// <param name="artifact">The job's prefix and name template.</param>
/// <param name="jobName">The job's name, for <c>{job}</c>.</param>
/// <param name="clock">Tells which backups are dated in the future (<see cref="ClockSkew"/>); the system clock when null.</param>
/// <param name="streamExtension">The extension of the job's streaming objects (<see cref="BackupJob.StreamExtension"/>); <c>.sql.*</c> ones are found whatever it is.</param>
internal sealed class BackupInventory(IReadableBackupStorage storage, ArtifactSpec artifact, string jobName, TimeProvider? clock = null, string streamExtension = BackupJob.DefaultStreamExtension)
{
    private readonly ArtifactNamePattern _pattern = new(artifact.NameTemplate, jobName);
    private readonly IReadOnlyList<ArchiveFormat> _formats = ArchiveFormat.All(streamExtension);
    private readonly IReadOnlyList<string> _suffixes = ArtifactNames.ObjectSuffixes(ArchiveFormat.All(streamExtension));

    /// <summary>The inventory of <paramref name="job"/>'s backups in <paramref name="storage"/> (the job's storage, as readable).</summary>
    public static BackupInventory Of(BackupJob job, IReadableBackupStorage storage) =>
        new(storage, job.Spec.Artifact, job.Spec.Name, streamExtension: job.StreamExtension);

    /// <summary>The storage the backups are in.</summary>
    public IReadableBackupStorage Storage => storage;

    /// <summary>Where the backups are, for messages, e.g. <c>local:/backups/nightly/</c>.</summary>
    public string Where => $"{storage.Location}/{ListPrefix}";

    private string ListPrefix => artifact.Prefix.Length == 0 ? "" : artifact.Prefix + "/";

    /// <summary>Every backup of the job, newest first; objects that do not belong to the job are left out.</summary>
    public async Task<IReadOnlyList<StoredBackup>> ListAsync(CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, Dictionary<string, StoredObject>>(StringComparer.Ordinal);
        try
        {
            await foreach (var stored in storage.ListAsync(ListPrefix, cancellationToken))
            {
                Collect(objects, stored);
            }
        }
        catch (Exception ex) when (ex is not BackupException and not OperationCanceledException)
        {
            // A plugin's own exception (an SDK's) still becomes one line naming where we looked.
            throw new BackupStorageException($"cannot list {Where}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var backups = new List<StoredBackup>();
        foreach (var (id, parts) in objects)
        {
            if (!_pattern.Matches(id, out var timestamp))
            {
                continue;
            }

            var format = ChooseFormat(parts);
            StoredObject? archive = null, checksum = null;
            if (format is not null)
            {
                parts.TryGetValue(format.Suffix, out archive);
                parts.TryGetValue(format.ChecksumSuffix, out checksum);
            }

            parts.TryGetValue(ArtifactNames.ManifestSuffix, out var manifest);
            var time = timestamp ?? (archive ?? manifest ?? checksum ?? parts.Values.First()).LastModified.ToUniversalTime();
            var keys = parts.Values.Select(p => p.Key).ToList();
            backups.Add(new StoredBackup(id, time, format, archive?.Key, archive?.Length, manifest?.Key, checksum?.Key, keys, ClockSkew.IsFuture(time, now)));
        }

        return backups
            .OrderByDescending(b => b.Timestamp)
            .ThenByDescending(b => b.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The backup named <paramref name="id"/>, or the newest complete one not dated in the future when <paramref name="id"/> is null.</summary>
    /// <exception cref="BackupSettingsException">No backup has that id.</exception>
    /// <exception cref="BackupIntegrityException">The job has no complete backup (asked for the latest).</exception>
    public async Task<StoredBackup> FindAsync(string? id, CancellationToken cancellationToken)
    {
        var backups = await ListAsync(cancellationToken);
        if (id is null)
        {
            var future = backups.Where(b => b.IsComplete && b.IsFutureDated).Select(b => b.Id).ToList();
            var besides = future.Count == 0 ? "" : $"; dated in the future, so not taken as the latest: {string.Join(", ", future)} (give --id to use one)";
            return backups.FirstOrDefault(b => b.IsComplete && !b.IsFutureDated)
                ?? throw new BackupIntegrityException($"job '{jobName}' has no complete backup in {Where} ({backups.Count(b => !b.IsComplete)} incomplete{besides})");
        }

        return backups.FirstOrDefault(b => b.Id == id)
            ?? throw new BackupSettingsException($"--id: no backup '{id}' of job '{jobName}' in {Where}; 'backup list' shows the ids");
    }

    /// <summary>The manifest stored beside the archive, or null when it is missing or unreadable (here it is informational: verify checks the one inside a tar, and reads a streaming backup's strictly).</summary>
    public async Task<BackupManifest?> ReadManifestAsync(StoredBackup backup, CancellationToken cancellationToken)
    {
        if (backup.ManifestKey is null)
        {
            return null;
        }

        try
        {
            await using var stream = await storage.OpenReadAsync(backup.ManifestKey, cancellationToken);
            var manifest = await BackupManifest.ReadAsync(stream, cancellationToken);

            // JSON without the fields (not written by this host) is as good as no manifest.
            return manifest?.SourceMetadata is null || manifest.Entries is null ? null : manifest;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException or BackupStorageException or IOException)
        {
            return null;
        }
    }

    // One id normally has one format; should two runs in different modes share an id, the complete one counts.
    private ArchiveFormat? ChooseFormat(Dictionary<string, StoredObject> parts) =>
        _formats.FirstOrDefault(f => parts.ContainsKey(f.Suffix) && parts.ContainsKey(f.ChecksumSuffix))
        ?? _formats.FirstOrDefault(f => parts.ContainsKey(f.Suffix))
        ?? _formats.FirstOrDefault(f => parts.ContainsKey(f.ChecksumSuffix));

    private void Collect(Dictionary<string, Dictionary<string, StoredObject>> objects, StoredObject stored)
    {
        if (!stored.Key.StartsWith(ListPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var name = stored.Key[ListPrefix.Length..];
        var suffix = _suffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal));

        // Deeper keys belong to another prefix (another job may live below this one).
        if (suffix is null || name.Contains('/'))
        {
            return;
        }

        var id = name[..^suffix.Length];
        if (!objects.TryGetValue(id, out var parts))
        {
            objects[id] = parts = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
        }

        parts[suffix] = stored;
    }
}
