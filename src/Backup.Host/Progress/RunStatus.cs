using Backup.Host.Pipeline;

namespace Backup.Host.Progress;

/// <summary>What the command is doing: its job, the backup id and the current phase, read by progress lines and by every JSON log record.</summary>
/// <remarks>
/// One per process (the CLI runs one command): written by the command's flow, read by the progress timer and by the
/// console logger's thread, so every field is read and written atomically. Plugins' log records get the same fields
/// because their <c>ILogger</c> writes through the host's logger factory.
/// </remarks>
internal sealed class RunStatus(TimeProvider clock)
{
    private string? _job;
    private string? _backupId;
    private RunPhase? _phase;
    private int _progressIntervalSeconds;

    /// <summary>The job's name, once the spec is read.</summary>
    public string? Job
    {
        get => Volatile.Read(ref _job);
        set => Volatile.Write(ref _job, value);
    }

    /// <summary>The backup the command makes or reads, once known.</summary>
    public string? BackupId
    {
        get => Volatile.Read(ref _backupId);
        set => Volatile.Write(ref _backupId, value);
    }

    /// <summary>The current phase, or null before the first.</summary>
    public RunPhase? Phase => Volatile.Read(ref _phase);

    /// <summary>Seconds between progress lines (the spec's <c>pipeline.progressIntervalSeconds</c>); 0 until a spec says otherwise, and 0 turns progress off.</summary>
    public int ProgressIntervalSeconds
    {
        get => Volatile.Read(ref _progressIntervalSeconds);
        set => Volatile.Write(ref _progressIntervalSeconds, value);
    }

    /// <summary>Enters phase <paramref name="name"/>; progress is shown for it when <paramref name="meter"/> is given.</summary>
    public RunPhase Enter(string name, ProgressMeter? meter = null, long? total = null)
    {
        var phase = new RunPhase(name, meter, clock.GetTimestamp());
        if (total is { } known)
        {
            phase.SetTotal(known, estimate: false);
        }

        Volatile.Write(ref _phase, phase);
        return phase;
    }
}
