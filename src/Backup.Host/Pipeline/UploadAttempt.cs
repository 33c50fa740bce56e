namespace Backup.Host.Pipeline;

/// <summary>One attempt at uploading an object whose content is handed over while the upload runs; it can be abandoned.</summary>
/// <remarks>
/// A writer that cannot take back what went into an upload (a chunk in the tar, bytes in the compressor) abandons the
/// attempt instead and starts another: an abandoned attempt makes its upload fail, and a failed upload stores nothing
/// (the storage contract's all-or-nothing upload). Only an upload that fails by itself is reported to the owner.
/// </remarks>
internal abstract class UploadAttempt
{
    private readonly Action _failed;
    private Task<ArchiveInfo> _upload = Task.FromException<ArchiveInfo>(new InvalidOperationException("the upload was not started"));
    private volatile bool _abandoned;
    private int _failedOnce;

    /// <param name="failed">Called once when the upload fails by itself (not abandoned), e.g. to stop the source.</param>
    protected UploadAttempt(Action failed) => _failed = failed;

    /// <summary>The upload, faulted with the storage's (or compressor's) failure when it failed by itself.</summary>
    public Task<ArchiveInfo> Upload => _upload;

    /// <summary>Whether the upload failed by itself.</summary>
    public bool Failed => Volatile.Read(ref _failedOnce) == 1;

    /// <summary>Makes the upload fail and waits until it has (nothing is stored); its failure is not reported.</summary>
    public async Task AbandonAsync()
    {
        _abandoned = true;
        Stop();
        try
        {
            await _upload;
        }
        catch (Exception)
        {
            // Expected: this attempt is being thrown away; the reason it ends is ours (or the run's, reported elsewhere).
        }
    }

    /// <summary>Abandons the upload unless it already ended (finished or failed); for a writer's disposal.</summary>
    public async Task AbandonUnlessEndedAsync()
    {
        if (!_upload.IsCompleted)
        {
            await AbandonAsync();
        }
    }

    /// <summary>Starts the upload, whose content <paramref name="writeContent"/> writes; called once, by the constructor.</summary>
    protected void Begin(Func<Func<Stream, CancellationToken, Task>, Task<ArchiveInfo>> upload, Func<Stream, CancellationToken, Task> writeContent)
    {
        _upload = upload(writeContent);
        _upload.ContinueWith(_ => ReportFailure(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Marks the upload failed by itself, unless it was abandoned, and tells the owner (once).</summary>
    /// <remarks>Also called before the upload task ends, when a derived attempt learns of the failure earlier.</remarks>
    protected void ReportFailure()
    {
        if (!_abandoned && Interlocked.Exchange(ref _failedOnce, 1) == 0)
        {
            _failed();
        }
    }

    /// <summary>Makes the content end with a failure, so that the upload fails.</summary>
    protected abstract void Stop();
}
