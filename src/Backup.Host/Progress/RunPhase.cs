using Backup.Host.Pipeline;

namespace Backup.Host.Progress;

/// <summary>One phase of a command (<c>dump</c>, <c>upload</c>, <c>verify</c>...): its name, the meter counting its bytes, and its total when known.</summary>
/// <remarks>The total may arrive after the phase started (a source's estimate runs beside the dump): it is read atomically.</remarks>
internal sealed class RunPhase(string name, ProgressMeter? meter, long startedAt)
{
    private long _total = -1;
    private int _totalIsEstimate;

    /// <summary>The phase's name, as in log records (<c>phase</c>) and progress lines.</summary>
    public string Name => name;

    /// <summary>Counts the phase's bytes; null for a phase without bytes to count (no progress lines).</summary>
    public ProgressMeter? Meter => meter;

    /// <summary>When the phase started (a <see cref="TimeProvider"/> timestamp).</summary>
    public long StartedAt => startedAt;

    /// <summary>The bytes the phase will count in all, or null while unknown.</summary>
    public long? Total => Interlocked.Read(ref _total) is var total and >= 0 ? total : null;

    /// <summary>Whether <see cref="Total"/> is a source's estimate rather than a known size.</summary>
    public bool TotalIsEstimate => Volatile.Read(ref _totalIsEstimate) == 1;

    /// <summary>Sets the total; a negative or zero total is ignored (nothing to show a percent of).</summary>
    public void SetTotal(long total, bool estimate)
    {
        if (total <= 0)
        {
            return;
        }

        Volatile.Write(ref _totalIsEstimate, estimate ? 1 : 0);
        Interlocked.Exchange(ref _total, total);
    }
}
