using System.Reflection;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Compression;
using Backup.Host.Encryption;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Runs one backup: source -> (temp copy of the entries ->) tar -> parallel compression + SHA-1 -> upload, concurrently.</summary>
/// <remarks>
/// Archive mode (default) keeps one raw copy of the entries on temp disk, because a tar header needs the entry's size
/// first; then tar, compression, hashing and the upload run together with no compressed temp file. Streaming mode takes
/// the source's single entry straight into the compressor and the upload: no temp disk at all.
/// Upload order is archive, manifest, then checksum: a backup counts as complete only when its <c>.sha1</c> exists.
/// When an upload fails, the objects this run already stored are deleted (if the storage can delete), so a failed run
/// never leaves something that looks like a backup.
/// </remarks>
internal sealed class BackupRunner(ILoggerFactory loggerFactory, TimeProvider clock)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Backup.Pipeline");

    /// <summary>Runs <paramref name="job"/>; throws a <see cref="BackupException"/> subclass for failures the user can act on.</summary>
    public async Task<BackupOutcome> RunAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var spec = job.Spec;
        var pipeline = spec.EffectivePipeline;
        var startedAt = clock.GetUtcNow();
        var backupId = ArtifactNames.Render(spec.Artifact.NameTemplate, spec.Name, startedAt);

        // Also in streaming mode: the source may need a private scratch directory (e.g. a password option file).
        using var workspace = TempWorkspace.Create(TempWorkspace.ParentFor(spec), spec.Name, _logger);
        _logger.LogInformation("Backup {BackupId} of job {Job} started: {Source} -> {Storage} under '{Prefix}/' ({Mode}, {Compression} level {Level}, {Threads} threads{Encryption}; temp {Temp})",
            backupId, spec.Name, spec.Source.Plugin, job.Storage.Location, spec.Artifact.Prefix,
            pipeline.Mode, pipeline.Compression, pipeline.Level, pipeline.Threads,
            spec.Encryption is { } encrypted ? $", age-encrypted to {encrypted.Recipients.Count} recipient(s)" : "", workspace.Root);

        var codec = BlockCodec.Create(pipeline.Compression, pipeline.Level);
        var storageStage = $"storage '{spec.Storage.Plugin}' ({job.Storage.Location})";
        using var watchdog = new StallWatchdog(
            TimeSpan.FromSeconds(pipeline.StallTimeoutSeconds),
            pipeline.TimeoutSeconds is { } limit ? TimeSpan.FromSeconds(limit) : null,
            $"source '{spec.Source.Plugin}'",
            storageStage,
            clock,
            cancellationToken);
        var uploader = new ArtifactUploader(job.Storage, spec.Artifact.Prefix, storageStage, _logger, clock, watchdog);
        var run = new Run(job, backupId, startedAt, workspace, codec, uploader, watchdog);
        ArchiveInfo archive;
        BackupManifest manifest;
        try
        {
            (archive, manifest) = pipeline.Mode == PipelineMode.Streaming
                ? await StreamAsync(run, watchdog.Token)
                : await ArchiveAsync(run, watchdog.Token);
            _logger.LogInformation("Archive {Archive}: {Bytes:N0} bytes, sha1 {Sha1}", archive.Name, archive.Size, archive.Sha1);

            manifest = manifest with { Archive = archive };

            // The sealed manifest shows no entries or source facts; the outcome still reports the full one's sizes and node.
            var stored = spec.Encryption is { } encryption ? await manifest.SealAsync(encryption.Recipients, watchdog.Token) : manifest;
            await uploader.UploadManifestAndChecksumAsync(stored, watchdog.Token);
        }
        catch (Exception ex) when (watchdog.Failure is { } stalled && !cancellationToken.IsCancellationRequested)
        {
            // Whatever the cancellation surfaced as (a cancelled read, a killed client's exit code), the stall is the cause.
            _logger.LogDebug(ex, "The run failed after the watchdog stopped it");
            throw stalled;
        }

        var archiveKey = ArtifactNames.Key(spec.Artifact.Prefix, archive.Name);
        _logger.LogInformation("Backup {BackupId} complete: {Location}/{Key} ({Seconds:F1} s)",
            backupId, job.Storage.Location, archiveKey, (clock.GetUtcNow() - startedAt).TotalSeconds);
        return new BackupOutcome(backupId, archiveKey, archive, manifest.Entries.Sum(e => e.Size), manifest.SourceNode());
    }

    /// <summary>The sha1sum-format line for <paramref name="archive"/>, so <c>sha1sum -c</c> works on a downloaded pair.</summary>
    public static byte[] ChecksumLine(ArchiveInfo archive) => Encoding.ASCII.GetBytes($"{archive.Sha1}  {archive.Name}\n");

    private async Task<(ArchiveInfo Archive, BackupManifest Manifest)> ArchiveAsync(Run run, CancellationToken cancellationToken)
    {
        var entries = new FileEntryWriter(run.Workspace.Subdirectory("entries"), run.Watchdog.Source);
        run.Watchdog.Enter("dumping", () => StallSide.Source);
        var result = await RunSourceAsync(run, entries, cancellationToken);
        EnsureEntries(run, entries.Entries.Count);
        var manifest = Manifest(run, result, entries.Entries);
        _logger.LogInformation("Source wrote {Count} entr{Plural}, {Bytes:N0} bytes", entries.Entries.Count, entries.Entries.Count == 1 ? "y" : "ies", entries.Entries.Sum(e => e.Size));

        var archive = await run.Uploader.UploadArchiveAsync(
            run.BackupId + ArchiveFormat.For(PipelineMode.Archive, CompressionKind.Gzip, run.Job.Spec.Encryption is not null).Suffix,
            run.Codec.ContentType,
            (output, ct) => CompressAsync(run, output, compressor => ArchiveBuilder.WriteTarAsync(compressor, manifest, entries, ct), ct),
            cancellationToken);
        return (archive, manifest);
    }

    private async Task<(ArchiveInfo Archive, BackupManifest Manifest)> StreamAsync(Run run, CancellationToken cancellationToken)
    {
        BackupManifest? manifest = null;
        var archive = await run.Uploader.UploadArchiveAsync(
            run.BackupId + ArchiveFormat.For(PipelineMode.Streaming, run.Job.Spec.EffectivePipeline.Compression, run.Job.Spec.Encryption is not null).Suffix,
            run.Codec.ContentType,
            (output, ct) => CompressAsync(
                run,
                output,
                async compressor =>
                {
                    var entry = new StreamingEntryWriter(compressor, run.Job.Spec.Source.Plugin, run.Watchdog.Source);
                    var result = await RunSourceAsync(run, entry, ct);
                    // Checked before the compressor completes: the upload must not finish for a source that failed.
                    EnsureEntries(run, entry.Entry is null ? 0 : 1);
                    manifest = Manifest(run, result, [entry.Entry!]);
                    _logger.LogInformation("Source wrote {Entry}, {Bytes:N0} bytes", entry.Entry!.Name, entry.Entry.Size);
                },
                ct),
            cancellationToken);
        return (archive, manifest!);
    }

    // The compressor (and the encryption after it) is completed only when writeContent returned, so a failure anywhere
    // leaves the object unfinished: an age file without its final chunk is rejected by every reader.
    private static async Task CompressAsync(Run run, Stream output, Func<Stream, Task> writeContent, CancellationToken cancellationToken)
    {
        var pipeline = run.Job.Spec.EffectivePipeline;
        await using var encryption = run.Job.Spec.Encryption is { } spec ? new AgeEncryptingStream(output, spec.Recipients, leaveOpen: true) : null;
        await using (var compressor = new ParallelCompressionStream(encryption ?? output, run.Codec, pipeline.Threads, pipeline.BlockSizeMiB << 20, leaveOpen: true))
        {
            await writeContent(compressor);
            await compressor.CompleteAsync(cancellationToken);
        }

        if (encryption is not null)
        {
            await encryption.CompleteAsync(cancellationToken);
        }
    }

    private static async Task<SourceResult> RunSourceAsync(Run run, IBackupWriter writer, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        var context = new BackupContext(spec.Name, run.BackupId, run.StartedAt, run.Workspace.Subdirectory("work"), writer);
        try
        {
            return await StageFailure.Guard(
                $"source '{spec.Source.Plugin}'",
                () => run.Job.Source.BackupAsync(context, cancellationToken),
                (message, ex) => new BackupSourceException(message, ex));
        }
        catch (Exception ex) when (FullTempDirectory(run, writer, ex) is { } full)
        {
            // A full temp disk is the environment's problem, not the source's, whatever the source made of the write error.
            throw full;
        }
    }

    private static TempDirectoryException? FullTempDirectory(Run run, IBackupWriter writer, Exception exception) =>
        exception as TempDirectoryException
        ?? (writer as FileEntryWriter)?.Full
        ?? (TempSpace.IsFull(exception)
            ? TempSpace.Full(run.Workspace.Root, $"the scratch files of source '{run.Job.Spec.Source.Plugin}'", "the source needs room for them", exception)
            : null);

    private static void EnsureEntries(Run run, int count)
    {
        if (count == 0)
        {
            throw new BackupSourceException($"source '{run.Job.Spec.Source.Plugin}' finished without writing any entry; nothing was uploaded");
        }
    }

    private BackupManifest Manifest(Run run, SourceResult result, IReadOnlyList<EntryInfo> entries) =>
        new(
            FormatVersion: 1,
            run.Job.Spec.Name,
            run.BackupId,
            run.StartedAt,
            clock.GetUtcNow(),
            run.Job.Spec.Source.Plugin,
            result.Metadata,
            entries,
            HostVersion(),
            Archive: null);

    private static string HostVersion() =>
        typeof(BackupRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private sealed record Run(BackupJob Job, string BackupId, DateTimeOffset StartedAt, TempWorkspace Workspace, BlockCodec Codec, ArtifactUploader Uploader, StallWatchdog Watchdog);
}
