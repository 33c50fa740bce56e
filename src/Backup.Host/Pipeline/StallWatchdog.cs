using System.Globalization;
using Backup.Abstractions;

namespace Backup.Host.Pipeline;

/// <summary>Stops a run that moves no bytes for too long, or that runs past its time limit, and says which side it was waiting for.</summary>
/// <remarks>
/// A frozen S3 or Azure endpoint kept a run silent for 600 s, a frozen mariadbd for 300 s, and in the CronJob such a run
/// burns its 4 h deadline and blocks the next schedule. SDK and client timeouts each cover one request; this covers the
/// whole run: three meters (bytes the source wrote, bytes put into the storage's pipe, bytes the storage took) and the
/// current stage; when none of them moved for the stall timeout, the run's token is cancelled and the failure names
/// the stalled side (source: exit 4, storage: exit 5). In a streaming stage the side is told by the pipe: bytes waiting
/// in it, or a finished producer, mean the storage is not taking them; an empty pipe means the source is not giving any.
/// </remarks>
internal sealed class StallWatchdog : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeSpan? _timeout;
    private readonly long _startedAt;
    private readonly string _sourceStage;
    private readonly string _storageStage;
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private Stage? _stage;
    private BackupException? _failure;

    /// <summary>Starts watching; <paramref name="runToken"/> (signals) also cancels <see cref="Token"/>.</summary>
    /// <param name="stallTimeout">How long no byte may move anywhere before the run fails.</param>
    /// <param name="timeout">The most the whole run may take, if limited.</param>
    /// <param name="sourceStage">The source as named in messages, e.g. <c>source 'mariadb-ha'</c>.</param>
    /// <param name="storageStage">The storage as named in messages, e.g. <c>storage 'aws' (s3://bucket)</c>.</param>
    /// <param name="clock">The clock (tests may pass a fake one).</param>
    /// <param name="runToken">The run's own cancellation (SIGINT/SIGTERM).</param>
    public StallWatchdog(TimeSpan stallTimeout, TimeSpan? timeout, string sourceStage, string storageStage, TimeProvider clock, CancellationToken runToken)
    {
        _clock = clock;
        _stallTimeout = stallTimeout;
        _timeout = timeout;
        _sourceStage = sourceStage;
        _storageStage = storageStage;
        _startedAt = clock.GetTimestamp();
        Source = new ProgressMeter(clock);
        Produced = new ProgressMeter(clock);
        Stored = new ProgressMeter(clock);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        // A tenth of the timeout keeps the overshoot small; at most a second apart, at least 50 ms (tests use short timeouts).
        var period = TimeSpan.FromMilliseconds(Math.Clamp(stallTimeout.TotalMilliseconds / 10, 50, 1000));
        _timer = clock.CreateTimer(_ => Check(), null, period, period);
    }

    /// <summary>Bytes the source wrote.</summary>
    public ProgressMeter Source { get; }

    /// <summary>Bytes put into the pipe the storage reads the current object from.</summary>
    public ProgressMeter Produced { get; }

    /// <summary>Bytes the storage took from that pipe.</summary>
    public ProgressMeter Stored { get; }

    /// <summary>Cancelled by the run's token, a stall or the time limit: pass it to every stage.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Why the watchdog stopped the run, once it did.</summary>
    public BackupException? Failure => Volatile.Read(ref _failure);

    /// <summary>Enters a stage: <paramref name="activity"/> for messages (e.g. <c>dumping</c>), <paramref name="blame"/> tells the stalled side.</summary>
    public void Enter(string activity, Func<StallSide> blame)
    {
        Source.Touch();
        Produced.Touch();
        Stored.Touch();
        Volatile.Write(ref _stage, new Stage(activity, blame));
    }

    /// <summary>Enters a stage that streams through a pipe into the storage (see the class remarks for the side).</summary>
    /// <param name="activity">What the run does, for messages.</param>
    /// <param name="producerDone">Whether everything has been put into the pipe.</param>
    public void EnterPipe(string activity, Func<bool> producerDone) =>
        Enter(activity, () => producerDone() || Produced.Bytes > Stored.Bytes ? StallSide.Storage : StallSide.Source);

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        _cancel.Dispose();
    }

    private void Check()
    {
        if (Volatile.Read(ref _stage) is not { } stage || Failure is not null || _cancel.IsCancellationRequested)
        {
            return;
        }

        var idle = new[] { Source.IdleFor, Produced.IdleFor, Stored.IdleFor }.Min();
        string reason;
        if (idle >= _stallTimeout)
        {
            reason = $"no data moved for {Seconds(idle)} s (pipeline.stallTimeoutSeconds {Seconds(_stallTimeout)})";
        }
        else if (_timeout is { } limit && _clock.GetElapsedTime(_startedAt) >= limit)
        {
            reason = $"the run took longer than pipeline.timeoutSeconds {Seconds(limit)}";
        }
        else
        {
            return;
        }

        var side = stage.Blame();
        var message = side == StallSide.Source
            ? $"{_sourceStage} stalled while {stage.Activity}: {reason}; the run was stopped, nothing complete was stored"
            : $"{_storageStage} stalled while {stage.Activity}: {reason}; the run was stopped, nothing complete was stored";
        BackupException failure = side == StallSide.Source ? new BackupSourceException(message) : new BackupStorageException(message);
        if (Interlocked.CompareExchange(ref _failure, failure, null) is null)
        {
            _cancel.Cancel();
        }
    }

    private static string Seconds(TimeSpan span) => Math.Round(span.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private sealed record Stage(string Activity, Func<StallSide> Blame);
}
