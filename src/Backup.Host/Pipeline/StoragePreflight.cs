using System.Diagnostics;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Pipeline;

/// <summary>The storage's pre-flight check (<see cref="IPreflightBackupStorage"/>), bounded in time, with every failure as one storage error.</summary>
internal static class StoragePreflight
{
    /// <summary>The longest a check may take: the job's stall timeout, at most this (a check is one or two requests).</summary>
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromSeconds(60);

    /// <summary>Runs the check when the storage offers one; returns false when it does not.</summary>
    /// <exception cref="BackupStorageException">The check failed or got no answer in time; one line naming the storage.</exception>
    /// <exception cref="BackupCredentialsException">The plugin found no usable credential.</exception>
    public static async Task<bool> CheckAsync(BackupJob job, ILogger logger, CancellationToken cancellationToken)
    {
        if (job.Storage is not IPreflightBackupStorage preflight)
        {
            return false;
        }

        // Read after the check: a plugin may know its real address (e.g. an account URL) only once its client exists.
        string Storage() => $"storage '{job.Spec.Storage.Plugin}' ({job.Storage.Location})";
        var deadline = TimeSpan.FromSeconds(Math.Min(job.Spec.EffectivePipeline.StallTimeoutSeconds, MaxDeadline.TotalSeconds));
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(deadline);
        var watch = Stopwatch.StartNew();
        try
        {
            await preflight.CheckAsync(bounded.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackupStorageException($"pre-flight: {Storage()} did not answer within {deadline.TotalSeconds:0} s; nothing was backed up", ex);
        }
        catch (BackupCredentialsException ex)
        {
            throw new BackupCredentialsException($"pre-flight: {ex.Message}; nothing was backed up", ex);
        }
        catch (BackupException ex)
        {
            throw new BackupStorageException($"pre-flight: {ex.Message}; nothing was backed up", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Plugins let exceptions propagate; whatever the check throws, the storage is what failed.
            throw new BackupStorageException($"pre-flight: {Storage()} failed its check: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}; nothing was backed up", ex);
        }

        logger.LogInformation("Pre-flight check of {Location} passed ({Milliseconds} ms)", job.Storage.Location, watch.ElapsedMilliseconds);
        return true;
    }
}
