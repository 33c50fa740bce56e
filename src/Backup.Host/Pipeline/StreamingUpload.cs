using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Backup.Abstractions;

namespace Backup.Host.Pipeline;

/// <summary>Uploads an object while it is being produced: producer -> SHA-1 + byte count -> bounded pipe -> storage upload, concurrently.</summary>
/// <remarks>
/// The pipe pauses the producer when <see cref="PipeBytes"/> are waiting, so memory does not grow with a slow store.
/// The upload sees a non-seekable stream of unknown length, which the storage contract allows. The producer's
/// end of the pipe is completed only after the producer returned: a producer failure reaches the upload as a
/// read error, so the storage (all-or-nothing) keeps nothing; an upload failure cancels the producer.
/// The exception reported is the first real cause, not the cancellation it caused on the other side.
/// </remarks>
internal static class StreamingUpload
{
    /// <summary>Bytes the pipe holds before the producer waits for the upload.</summary>
    /// <remarks>
    /// Small on purpose: the compressor already holds its blocks in flight and a storage plugin reads whole parts or
    /// blocks into buffers of its own, so a larger pipe only adds memory (8 MiB measured no faster on 1 GB into the S3 emulator and 9-16 MB more peak RSS).
    /// </remarks>
    public const int PipeBytes = 2 << 20;

    /// <summary>Runs <paramref name="produce"/> and <paramref name="upload"/> together; returns the size and SHA-1 of the bytes uploaded.</summary>
    /// <param name="produce">Writes the object's bytes to the stream it is given.</param>
    /// <param name="upload">Stores the stream it is given (e.g. <see cref="IBackupStorage.UploadAsync"/>), reading it to the end.</param>
    /// <param name="cancellationToken">Cancels both.</param>
    /// <param name="watchdog">Watches the pipe's two ends for a stall, when given (the stage is entered here).</param>
    /// <param name="activity">What the upload is, for the watchdog's message.</param>
    public static async Task<(long Size, string Sha1)> RunAsync(
        Func<Stream, CancellationToken, Task> produce,
        Func<Stream, CancellationToken, Task> upload,
        CancellationToken cancellationToken,
        StallWatchdog? watchdog = null,
        string activity = "uploading")
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBytes, resumeWriterThreshold: PipeBytes / 2, useSynchronizationContext: false));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long size = 0;
        var sha1 = "";
        var produced = false;
        watchdog?.EnterPipe(activity, () => Volatile.Read(ref produced));

        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await using (var hashing = new HashingStream(pipe.Writer.AsStream(leaveOpen: true), leaveOpen: true, watchdog?.Produced))
                    {
                        await produce(hashing, linked.Token);
                        await hashing.FlushAsync(linked.Token);
                        (size, sha1) = (hashing.BytesWritten, hashing.HexDigest());
                    }

                    Volatile.Write(ref produced, true);

                    await pipe.Writer.CompleteAsync();
                }
                catch (Exception ex)
                {
                    await pipe.Writer.CompleteAsync(ex);
                    await linked.CancelAsync();
                    throw;
                }
            },
            CancellationToken.None);

        var uploader = Task.Run(
            async () =>
            {
                try
                {
                    var reader = pipe.Reader.AsStream(leaveOpen: true);
                    await using var content = watchdog is null ? reader : new MeteredReadStream(reader, watchdog.Stored);
                    await upload(content, linked.Token);
                    await pipe.Reader.CompleteAsync();
                }
                catch (Exception ex)
                {
                    await pipe.Reader.CompleteAsync(ex);
                    await linked.CancelAsync();
                    throw;
                }
            },
            CancellationToken.None);

        try
        {
            await Task.WhenAll(producer, uploader);
        }
        catch
        {
            ExceptionDispatchInfo.Throw(RootCause(producer, uploader));
        }

        return (size, sha1);
    }

    // The side that failed with something other than a cancellation is the cause; the producer first, because its
    // failure reaches the upload as a read error (possibly wrapped by the plugin) that says less.
    private static Exception RootCause(Task producer, Task uploader)
    {
        foreach (var task in new[] { producer, uploader })
        {
            if (task.Exception?.InnerException is { } ex and not OperationCanceledException)
            {
                return ex;
            }
        }

        return (producer.Exception ?? uploader.Exception)?.InnerException ?? new OperationCanceledException();
    }
}
