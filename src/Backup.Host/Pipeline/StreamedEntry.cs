namespace Backup.Host.Pipeline;

/// <summary>One attempt at uploading a streaming-mode object: the source writes its one entry straight into this upload's compressor.</summary>
/// <remarks>
/// The upload (compressor, encryption, SHA-1, storage) starts when the source starts the entry and hands its compressor
/// over (<see cref="ContentAsync"/>). Only <see cref="FinishAsync"/> completes the compressor and so the object;
/// <see cref="UploadAttempt.AbandonAsync"/>, or any failure, makes the upload fail and nothing is stored. The compressor is
/// let go (and disposed) only after the source stopped writing into it (<see cref="Release"/>), even when the storage
/// fails first: the source is told to stop, and its writes must not race the disposal.
/// </remarks>
internal sealed class StreamedEntry : UploadAttempt
{
    private readonly TaskCompletionSource<Stream> _content = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="upload">Starts the upload of the object whose uncompressed bytes the given callback writes.</param>
    /// <param name="failed">Called once when the upload fails by itself (not abandoned), e.g. to stop the source.</param>
    private StreamedEntry(Func<Func<Stream, CancellationToken, Task>, Task<ArchiveInfo>> upload, Action failed)
        : base(failed) => Begin(upload, HandOverAsync);

    /// <summary>Starts an upload attempt.</summary>
    /// <param name="upload">Starts the upload of the object whose uncompressed bytes the given callback writes.</param>
    /// <param name="failed">Called once when the upload fails by itself, e.g. to stop the source.</param>
    public static StreamedEntry Start(Func<Func<Stream, CancellationToken, Task>, Task<ArchiveInfo>> upload, Action failed) => new(upload, failed);

    /// <summary>The stream the entry goes into, once the upload is ready for it; call <see cref="Release"/> when done with it.</summary>
    public async Task<Stream> ContentAsync(CancellationToken cancellationToken)
    {
        if (await Task.WhenAny(_content.Task, Upload).WaitAsync(cancellationToken) != _content.Task)
        {
            // The upload ended before it took any content: report what ended it.
            await Upload;
            throw new InvalidOperationException("the upload ended early");
        }

        return await _content.Task;
    }

    /// <summary>Says the source no longer writes into the stream from <see cref="ContentAsync"/> (finished or failed).</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Completes the compressor (the entry was written whole) and waits for the upload to finish.</summary>
    public async Task<ArchiveInfo> FinishAsync()
    {
        _end.TrySetResult();
        return await Upload;
    }

    /// <inheritdoc />
    protected override void Stop() => _end.TrySetException(new OperationCanceledException("the upload was abandoned"));

    private async Task HandOverAsync(Stream compressor, CancellationToken cancellationToken)
    {
        _content.TrySetResult(compressor);
        try
        {
            await _end.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The storage failed (or the run was cancelled): stop the source, then keep the compressor until it let go.
            ReportFailure();
            await _released.Task;
            throw;
        }
    }
}
