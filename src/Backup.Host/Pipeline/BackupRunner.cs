using System.Reflection;
using System.Text;
using Backup.Abstractions;
using Backup.Host.Compression;
using Backup.Host.Progress;
using Backup.Host.Encryption;
using Backup.Host.Spec;
using Backup.Host.Stored;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>Runs one backup: source -> (temp chunks ->) tar -> parallel compression + SHA-1 -> upload, concurrently.</summary>
/// <remarks>
/// Archive mode (default) cuts every entry into chunks of <c>pipeline.archiveChunkMiB</c>: a tar header needs its
/// entry's size first, so a chunk waits on temp disk until it is full, then goes into the tar, the compressor and the
/// upload while the source fills the next; <c>manifest.json</c> comes last. With <c>archiveChunkMiB: 0</c> every entry
/// is copied whole to temp disk first and the tar (manifest first) is written afterwards. Streaming mode takes the
/// source's single entry straight into the compressor and the upload: no temp disk at all.
/// Upload order is archive, manifest, then checksum: a backup counts as complete only when its <c>.sha1</c> exists.
/// When an upload fails, the objects this run already stored are deleted (if the storage can delete), so a failed run
/// never leaves something that looks like a backup.
/// </remarks>
internal sealed class BackupRunner(ILoggerFactory loggerFactory, TimeProvider clock, RunStatus? status = null)
{
    /// <summary>How long a source may take to estimate its size; the run never waits for it (see <see cref="EstimateAsync"/>).</summary>
    private static readonly TimeSpan EstimateTimeout = TimeSpan.FromSeconds(15);

    private readonly ILogger _logger = loggerFactory.CreateLogger("Backup.Pipeline");
    private readonly RunStatus _status = status ?? new RunStatus(clock);

    /// <summary>Runs <paramref name="job"/>; throws a <see cref="BackupException"/> subclass for failures the user can act on.</summary>
    public async Task<BackupOutcome> RunAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var spec = job.Spec;
        var pipeline = spec.EffectivePipeline;
        var startedAt = clock.GetUtcNow();
        var backupId = ArtifactNames.Render(spec.Artifact.NameTemplate, spec.Name, startedAt);
        _status.BackupId = backupId;

        // Also in streaming mode: the source may need a private scratch directory (e.g. a password option file).
        using var workspace = TempWorkspace.Create(TempWorkspace.ParentFor(spec), spec.Name, _logger);
        // Entries the source declares already compressed are not compressed again: the level that only frames them.
        var level = job.EntryShape is { IsCompressed: true } ? PipelineSpec.PassThroughLevel(pipeline.Compression) : pipeline.Level;
        _logger.LogInformation("Backup {BackupId} of job {Job} started: {Source} -> {Storage} under '{Prefix}/' ({Mode}, {Compression} level {Level}{Compressed}, {Threads} threads{Encryption}; temp {Temp})",
            backupId, spec.Name, spec.Source.Plugin, job.Storage.Location, spec.Artifact.Prefix,
            pipeline.Mode, pipeline.Compression, level, level == pipeline.Level ? "" : " (the source's entries are already compressed)", pipeline.Threads,
            spec.Encryption is { } encrypted ? $", age-encrypted to {encrypted.Recipients.Count} recipient(s)" : "", workspace.Root);

        var codec = BlockCodec.Create(pipeline.Compression, level);
        var storageStage = $"storage '{spec.Storage.Plugin}' ({job.Storage.Location})";
        using var watchdog = new StallWatchdog(
            TimeSpan.FromSeconds(pipeline.StallTimeoutSeconds),
            pipeline.TimeoutSeconds is { } limit ? TimeSpan.FromSeconds(limit) : null,
            $"source '{spec.Source.Plugin}'",
            storageStage,
            clock,
            cancellationToken);
        var uploader = new ArtifactUploader(job.Storage, spec.Artifact.Prefix, storageStage, _logger, clock, watchdog);
        var previous = spec.Incremental is { } incremental && job.Storage is IReadableBackupStorage readable && job.Source is IIncrementalBackupSource
            ? await BackupChain.PreviousAsync(new BackupInventory(readable, spec.Artifact, spec.Name, clock, job.StreamExtension), spec.Source.Plugin, incremental, _logger, cancellationToken)
            : null;
        var run = new Run(job, backupId, startedAt, workspace, codec, uploader, watchdog, previous);
        ArchiveInfo archive;
        BackupManifest manifest;
        using var estimateCancellation = CancellationTokenSource.CreateLinkedTokenSource(watchdog.Token);
        var dump = _status.Enter("dump", watchdog.Source);
        _ = EstimateAsync(job.Source, dump, estimateCancellation.Token);
        try
        {
            (archive, manifest) = pipeline.Mode == PipelineMode.Streaming
                ? await StreamAsync(run, watchdog.Token)
                : await ArchiveAsync(run, watchdog.Token);
            await estimateCancellation.CancelAsync();
            _logger.LogInformation("Archive {Archive}: {Bytes:N0} bytes, sha1 {Sha1}", archive.Name, archive.Size, archive.Sha1);

            manifest = manifest with { Archive = archive };

            // The sealed manifest shows no entries or source facts; the outcome still reports the full one's sizes and node.
            var stored = spec.Encryption is { } encryption
                ? await manifest.SealAsync(encryption.Recipients, job.Source is ILogReplayingSource replaying ? manifest.LogPositionsFor(replaying) : [], watchdog.Token)
                : manifest;
            await uploader.UploadManifestAndChecksumAsync(stored, watchdog.Token);
        }
        catch (Exception ex) when (watchdog.Failure is { } stalled && !cancellationToken.IsCancellationRequested)
        {
            // Whatever the cancellation surfaced as (a cancelled read, a killed client's exit code), the stall is the cause.
            _logger.LogDebug(ex, "The run failed after the watchdog stopped it");
            throw stalled;
        }

        var archiveKey = ArtifactNames.Key(spec.Artifact.Prefix, archive.Name);
        _logger.LogInformation("Backup {BackupId} complete: {Location} ({Seconds:F1} s)",
            backupId, job.Storage.WhereIs(archiveKey), (clock.GetUtcNow() - startedAt).TotalSeconds);
        return new BackupOutcome(backupId, archiveKey, archive, manifest.Entries.Sum(e => e.Size), manifest.SourceNode());
    }

    /// <summary>Asks the source for the size of its dump, so progress shows percent and ETA; any failure only means no percent.</summary>
    /// <remarks>
    /// Started beside the dump and never awaited by the run: an <c>information_schema</c> query that is slow on a server with
    /// many tables must not delay the backup, and a source that ignores cancellation must not hold up the end of the run.
    /// </remarks>
    private async Task EstimateAsync(IBackupSource source, RunPhase dump, CancellationToken cancellationToken)
    {
        if (source is not IEstimatingBackupSource estimating)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(EstimateTimeout);
            // On the thread pool: an estimate that blocks before its first await must not block the dump.
            if (await Task.Run(() => estimating.EstimateBytesAsync(timeout.Token), timeout.Token) is { } bytes)
            {
                dump.SetTotal(bytes, estimate: true);
                _logger.LogInformation("The source estimates its dump at about {Bytes:N0} bytes", bytes);
            }
        }
        catch (Exception ex)
        {
            _logger.LogDebug("No size estimate from the source: {Reason}", ex.Message);
        }
    }

    /// <summary>The sha1sum-format line for <paramref name="archive"/>, so <c>sha1sum -c</c> works on a downloaded pair.</summary>
    public static byte[] ChecksumLine(ArchiveInfo archive) => Encoding.ASCII.GetBytes($"{archive.Sha1}  {archive.Name}\n");

    private Task<(ArchiveInfo Archive, BackupManifest Manifest)> ArchiveAsync(Run run, CancellationToken cancellationToken) =>
        run.Job.Spec.EffectivePipeline.ArchiveChunkMiB == 0
            ? WholeEntriesArchiveAsync(run, cancellationToken)
            : ChunkedArchiveAsync(run, cancellationToken);

    // pipeline.archiveChunkMiB 0: every entry whole on temp disk first, then manifest.json and the entries into the upload.
    private async Task<(ArchiveInfo Archive, BackupManifest Manifest)> WholeEntriesArchiveAsync(Run run, CancellationToken cancellationToken)
    {
        var entries = new FileEntryWriter(run.Workspace.Subdirectory("entries"), run.Watchdog.Source);
        run.Watchdog.Enter("dumping", () => StallSide.Source);
        var result = await RunSourceAsync(run, entries, cancellationToken);
        EnsureEntries(run, entries.Entries.Count);
        var manifest = Manifest(run, result, entries.Entries);
        LogEntries(entries.Entries);

        _status.Enter("upload", run.Watchdog.Stored);
        var archive = await run.Uploader.UploadArchiveAsync(
            TarGzName(run),
            run.Codec.ContentType,
            (output, ct) => CompressAsync(run, output, compressor => ArchiveBuilder.WriteTarAsync(compressor, manifest, entries, ct), ct),
            cancellationToken);
        return (archive, manifest);
    }

    // The default: entries cut into chunks that are compressed and uploaded while the source fills the next; manifest.json last.
    private async Task<(ArchiveInfo Archive, BackupManifest Manifest)> ChunkedArchiveAsync(Run run, CancellationToken cancellationToken)
    {
        // Stopped when the upload fails by itself, so the source does not dump on (or fall over to another node) for nothing.
        using var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipeline = run.Job.Spec.EffectivePipeline;
        await using var entries = new ChunkedEntryWriter(
            run.Workspace.Subdirectory("chunks"),
            (long)pipeline.ArchiveChunkMiB << 20,
            () => StreamedTar.Start(
                writeTar => run.Uploader.UploadArchiveAsync(
                    TarGzName(run),
                    run.Codec.ContentType,
                    (output, ct) => CompressAsync(run, output, compressor => writeTar(compressor, ct), ct),
                    cancellationToken),
                source.Cancel),
            _logger,
            run.Watchdog.Source);
        var result = await RunSourceBesideUploadAsync(run, entries, () => entries.Upload, source.Token);

        EnsureEntries(run, entries.Entries.Count);
        var manifest = Manifest(run, result, entries.Entries);
        LogEntries(entries.Entries);
        // The chunks so far were uploaded while the source dumped; what is left is the last chunk and the manifest.
        _status.Enter("upload", run.Watchdog.Stored);
        var archive = await entries.FinishAsync(manifest, cancellationToken);
        return (archive, manifest);
    }

    private static string TarGzName(Run run) =>
        run.BackupId + ArchiveFormat.For(PipelineMode.Archive, CompressionKind.Gzip, run.Job.Spec.Encryption is not null, run.Job.StreamExtension).Suffix;

    private void LogEntries(IReadOnlyList<EntryInfo> entries) =>
        _logger.LogInformation("Source wrote {Count} entr{Plural}, {Bytes:N0} bytes", entries.Count, entries.Count == 1 ? "y" : "ies", entries.Sum(e => e.Size));

    // Streaming mode: the one entry straight into the compressor and the upload; an attempt whose entry failed is abandoned
    // when the source writes again (see StreamingEntryWriter).
    private async Task<(ArchiveInfo Archive, BackupManifest Manifest)> StreamAsync(Run run, CancellationToken cancellationToken)
    {
        // Stopped when the upload fails by itself, so the source does not dump on (or fall over to another node) for nothing.
        using var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var spec = run.Job.Spec;
        await using var entries = new StreamingEntryWriter(
            () => StreamedEntry.Start(
                writeContent => run.Uploader.UploadArchiveAsync(
                    run.BackupId + ArchiveFormat.For(PipelineMode.Streaming, spec.EffectivePipeline.Compression, spec.Encryption is not null, run.Job.StreamExtension).Suffix,
                    run.Codec.ContentType,
                    (output, ct) => CompressAsync(run, output, compressor => writeContent(compressor, ct), ct),
                    cancellationToken),
                source.Cancel),
            spec.Source.Plugin,
            _logger,
            run.Watchdog.Source);
        var result = await RunSourceBesideUploadAsync(run, entries, () => entries.Upload, source.Token);

        // Checked before the compressor completes (here and in FinishAsync): the upload must not finish for a source that failed.
        EnsureEntries(run, entries.Upload is null ? 0 : 1);
        var archive = await entries.FinishAsync();
        var entry = entries.Entry!;
        _logger.LogInformation("Source wrote {Entry}, {Bytes:N0} bytes", entry.Name, entry.Size);
        return (archive, Manifest(run, result, [entry]));
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

    // For the writers that upload while the source writes: the upload stops the source when it fails by itself, and then
    // its failure is the cause, not the cancellation the source saw.
    private async Task<SourceResult> RunSourceBesideUploadAsync(Run run, IBackupWriter writer, Func<UploadAttempt?> upload, CancellationToken cancellationToken)
    {
        run.Watchdog.Enter("dumping", () => StallSide.Source);
        try
        {
            return await RunSourceAsync(run, writer, cancellationToken);
        }
        catch (Exception ex) when (upload() is { Failed: true } failed)
        {
            _logger.LogDebug(ex, "The source stopped after the upload failed");
            await failed.Upload;
            throw;
        }
    }

    private static async Task<SourceResult> RunSourceAsync(Run run, IBackupWriter writer, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        var context = new BackupContext(spec.Name, run.BackupId, run.StartedAt, run.Workspace.Subdirectory("work"), writer) { Previous = run.Previous };
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
        ?? (writer as ChunkedEntryWriter)?.Full
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

    private BackupManifest Manifest(Run run, SourceResult result, IReadOnlyList<EntryInfo> entries)
    {
        // A base the host did not offer may not exist or may be another job's: the increment could never be restored.
        if (result.BasedOn is { } basedOn && basedOn != run.Previous?.BackupId)
        {
            throw new BackupSourceException($"source '{run.Job.Spec.Source.Plugin}' reported an increment on '{basedOn}', but {(run.Previous is null ? "no base was offered" : $"the base offered was {run.Previous.BackupId}")}; nothing was stored");
        }

        if (result.BasedOn is not null)
        {
            _logger.LogInformation("Backup {BackupId} is an increment on {BasedOn}", run.BackupId, result.BasedOn);
        }

        var manifest = new BackupManifest(
            FormatVersion: 1,
            run.Job.Spec.Name,
            run.BackupId,
            run.StartedAt,
            clock.GetUtcNow(),
            run.Job.Spec.Source.Plugin,
            result.Metadata,
            entries,
            HostVersion(),
            Archive: null,
            Inventory: result.Inventory,
            BasedOn: result.BasedOn);

        // An inventory that would make the manifest larger than any reader accepts would make the backup unrestorable:
        // drop it (a drill then reports the backup unchecked). 64 KiB is room for the archive's line added later, and
        // 3/4 for base64: an encrypted backup's outer manifest carries the whole one sealed.
        if (manifest.Inventory is { } inventory &&
            (inventory.Items.Count > ContentInventory.MaxItems || manifest.ToJsonBytes().Length > (BackupManifest.MaxBytes - (64 << 10)) / 4 * 3))
        {
            _logger.LogWarning("The source's inventory ({Count} items) would make the manifest too large; it is not recorded", inventory.Items.Count);
            return manifest with { Inventory = null };
        }

        return manifest;
    }

    private static string HostVersion() =>
        typeof(BackupRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private sealed record Run(BackupJob Job, string BackupId, DateTimeOffset StartedAt, TempWorkspace Workspace, BlockCodec Codec, ArtifactUploader Uploader, StallWatchdog Watchdog, PreviousBackup? Previous);
}
