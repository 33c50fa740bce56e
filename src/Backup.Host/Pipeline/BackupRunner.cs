using System.IO.Compression;
using System.Reflection;
using System.Text;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Runs one backup: source -> entries on temp disk -> <c>.tar.gz</c> + <c>.sha1</c> -> upload -> clean up, also on failure.</summary>
/// <remarks>
/// Upload order is archive, manifest, then checksum: a backup counts as complete only when its <c>.sha1</c>
/// exists. When an upload fails, the objects this run already stored are deleted (if the storage can delete),
/// so a failed run never leaves something that looks like a backup.
/// </remarks>
internal sealed class BackupRunner(ILoggerFactory loggerFactory, TimeProvider clock)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Backup.Pipeline");

    /// <summary>Runs <paramref name="job"/>; throws a <see cref="BackupException"/> subclass for failures the user can act on.</summary>
    public async Task<BackupOutcome> RunAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var spec = job.Spec;
        var startedAt = clock.GetUtcNow();
        var backupId = ArtifactNames.Render(spec.Artifact.NameTemplate, spec.Name, startedAt);
        var tempParent = spec.TempDirectory
            ?? (Environment.GetEnvironmentVariable("BACKUP_TEMP_DIR") is { Length: > 0 } fromEnv ? fromEnv : Path.GetTempPath());

        using var workspace = TempWorkspace.Create(tempParent, spec.Name);
        _logger.LogInformation("Backup {BackupId} of job {Job} started: {Source} -> {Storage} under '{Prefix}/' (temp {Temp})",
            backupId, spec.Name, spec.Source.Plugin, job.Storage.Location, spec.Artifact.Prefix, workspace.Root);

        var entries = new FileEntryWriter(workspace.Subdirectory("entries"));
        var context = new BackupContext(spec.Name, backupId, startedAt, workspace.Subdirectory("work"), entries);
        var result = await StageFailure.Guard(
            $"source '{spec.Source.Plugin}'",
            () => job.Source.BackupAsync(context, cancellationToken),
            (message, ex) => new BackupSourceException(message, ex));
        if (entries.Entries.Count == 0)
        {
            throw new BackupSourceException($"source '{spec.Source.Plugin}' finished without writing any entry; nothing was uploaded");
        }

        var manifest = new BackupManifest(
            FormatVersion: 1,
            spec.Name,
            backupId,
            startedAt,
            clock.GetUtcNow(),
            spec.Source.Plugin,
            result.Metadata,
            entries.Entries,
            HostVersion(),
            Archive: null);
        _logger.LogInformation("Source wrote {Count} entr{Plural}, {Bytes:N0} bytes", entries.Entries.Count, entries.Entries.Count == 1 ? "y" : "ies", entries.Entries.Sum(e => e.Size));

        var archivePath = Path.Combine(workspace.Root, backupId + ArtifactNames.ArchiveSuffix);
        var archive = await ArchiveBuilder.CreateAsync(archivePath, manifest, entries, CompressionLevel.Optimal, cancellationToken);
        _logger.LogInformation("Archive {Archive}: {Bytes:N0} bytes, sha1 {Sha1}", archive.Name, archive.Size, archive.Sha1);

        var uploader = new ArtifactUploader(job.Storage, spec.Artifact.Prefix, _logger);
        await StageFailure.Guard<bool>(
            $"storage '{spec.Storage.Plugin}' ({job.Storage.Location})",
            async () =>
            {
                await uploader.UploadAllAsync(archivePath, archive, manifest with { Archive = archive }, cancellationToken);
                return true;
            },
            (message, ex) => new BackupStorageException(message, ex));

        var archiveKey = ArtifactNames.Key(spec.Artifact.Prefix, archive.Name);
        _logger.LogInformation("Backup {BackupId} complete: {Location}/{Key} ({Seconds:F1} s)",
            backupId, job.Storage.Location, archiveKey, (clock.GetUtcNow() - startedAt).TotalSeconds);
        return new BackupOutcome(backupId, archiveKey, archive);
    }

    /// <summary>The sha1sum-format line for <paramref name="archive"/>, so <c>sha1sum -c</c> works on a downloaded pair.</summary>
    public static byte[] ChecksumLine(ArchiveInfo archive) => Encoding.ASCII.GetBytes($"{archive.Sha1}  {archive.Name}\n");

    private static string HostVersion() =>
        typeof(BackupRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
}
