using System.Diagnostics;

namespace Backup.PluginTesting;

/// <summary>Samples the process's working set in the background and reports how far it rose above where it started.</summary>
/// <remarks>
/// A memory bound, not a timing: sampling every 20 ms may miss a brief spike, never invent one. It measures the whole
/// process, so a test using it must not run in parallel with other tests of the same process (an xunit collection
/// with <c>DisableParallelization = true</c>).
/// </remarks>
public sealed class PeakWorkingSet : IDisposable
{
    private readonly long _baseline;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peak;

    private PeakWorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _baseline = CurrentWorkingSet();
        _peak = _baseline;
        _sampler = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _peak = Math.Max(_peak, CurrentWorkingSet());
                await Task.Delay(20).ConfigureAwait(false);
            }
        });
    }

    /// <summary>Starts sampling.</summary>
    public static PeakWorkingSet Start() => new();

    /// <summary>Stops sampling and returns the peak growth in bytes over the baseline.</summary>
    public long Stop()
    {
        _stop.Cancel();
        _sampler.Wait();
        _peak = Math.Max(_peak, CurrentWorkingSet());
        return _peak - _baseline;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
