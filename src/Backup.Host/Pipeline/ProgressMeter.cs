namespace Backup.Host.Pipeline;

/// <summary>Counts the bytes that passed one point of the pipeline and remembers when they last moved, for <see cref="StallWatchdog"/>.</summary>
/// <remarks>Written by the pipeline's threads, read by the watchdog's timer: all access is atomic.</remarks>
internal sealed class ProgressMeter(TimeProvider clock)
{
    private long _bytes;
    private long _lastMoved = clock.GetTimestamp();

    /// <summary>Bytes counted so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How long ago bytes last moved (or the meter was created or <see cref="Touch"/>ed).</summary>
    public TimeSpan IdleFor => clock.GetElapsedTime(Interlocked.Read(ref _lastMoved));

    /// <summary>Counts <paramref name="count"/> bytes that just moved.</summary>
    public void Add(long count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _bytes, count);
        Touch();
    }

    /// <summary>Marks progress without bytes (a stage just started, so its idle time starts now).</summary>
    public void Touch() => Interlocked.Exchange(ref _lastMoved, clock.GetTimestamp());
}
