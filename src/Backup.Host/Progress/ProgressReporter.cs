using Microsoft.Extensions.Logging;

namespace Backup.Host.Progress;

/// <summary>Reports the current phase's progress: a log record every <see cref="RunStatus.ProgressIntervalSeconds"/>, or a live status line on a terminal.</summary>
/// <remarks>
/// Reads the phase's <see cref="Pipeline.ProgressMeter"/> (the same counters the stall watchdog reads): nothing is
/// counted twice. A phase shorter than the interval logs no line, so small runs stay quiet. The terminal line is
/// redrawn twice a second whatever the interval; an interval of 0 turns both off.
/// </remarks>
internal sealed class ProgressReporter : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    private readonly RunStatus _status;
    private readonly ILogger _logger;
    private readonly StatusLineWriter? _terminal;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private RunPhase? _phase;
    private long _lastLine;

    /// <summary>Starts reporting.</summary>
    /// <param name="status">The command's status (phase, meter, total, interval).</param>
    /// <param name="logger">Where progress lines go (category <c>Backup.Progress</c>).</param>
    /// <param name="terminal">The live status line when standard error is a terminal, else null (lines are logged).</param>
    /// <param name="clock">The clock.</param>
    public ProgressReporter(RunStatus status, ILogger logger, StatusLineWriter? terminal, TimeProvider clock)
    {
        _status = status;
        _logger = logger;
        _terminal = terminal;
        _clock = clock;
        _timer = clock.CreateTimer(_ => Report(), null, Tick, Tick);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            _terminal?.Show(null);
        }
    }

    private void Report()
    {
        lock (_lock)
        {
            var phase = _status.Phase;
            var interval = _status.ProgressIntervalSeconds;
            if (phase?.Meter is not { } meter || interval <= 0)
            {
                _terminal?.Show(null);
                return;
            }

            if (!ReferenceEquals(phase, _phase))
            {
                (_phase, _lastLine) = (phase, phase.StartedAt);
            }

            var record = new ProgressRecord(phase.Name, meter.Bytes, _clock.GetElapsedTime(phase.StartedAt), phase.Total, phase.TotalIsEstimate);
            if (_terminal is not null)
            {
                _terminal.Show(record.ToString());
            }
            else if (_clock.GetElapsedTime(_lastLine) >= TimeSpan.FromSeconds(interval))
            {
                _lastLine = _clock.GetTimestamp();
                _logger.Log(LogLevel.Information, default, record, null, static (r, _) => r.ToString());
            }
        }
    }
}
