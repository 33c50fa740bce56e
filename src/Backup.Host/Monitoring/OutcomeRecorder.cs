using Backup.Host.Pipeline;
using Backup.Host.Spec;

namespace Backup.Host.Monitoring;

/// <summary>Collects what a job command learns while it runs, so the outcome can be made however the command ends (success, error, signal).</summary>
/// <remarks>Written by the command's thread, read once after it ended (or after the shutdown budget ran out): fields are set whole, never mutated in place.</remarks>
internal sealed class OutcomeRecorder(TimeProvider clock)
{
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private volatile string? _command;
    private volatile Facts? _facts;

    /// <summary>The loaded spec: null until the spec loaded, and then the outcome has no job to report.</summary>
    public JobSpec? Spec => _facts?.Spec;

    /// <summary>Marks the invocation as the job command <paramref name="command"/>, whose outcome is reported.</summary>
    public void Begin(string command) => _command = command;

    /// <summary>Records the loaded spec (as soon as it loaded, before the plugins, so a plugin that fails to load is reported too).</summary>
    public void Loaded(JobSpec spec)
    {
        if (_command is { } command)
        {
            _facts = new Facts(command, spec);
        }
    }

    /// <summary>Records where the job's storage is.</summary>
    public void Located(BackupJob job) => Update(f => f with { Location = job.Storage.Location });

    /// <summary>Records the backup the command worked on and what it knows about its size and origin.</summary>
    public void Backup(string id, string? location = null, long? storedBytes = null, long? sourceBytes = null, string? node = null) =>
        Update(f => f with
        {
            BackupId = id,
            Location = location ?? f.Location,
            StoredBytes = storedBytes ?? f.StoredBytes,
            SourceBytes = sourceBytes ?? f.SourceBytes,
            Node = node ?? f.Node,
        });

    /// <summary>Records the first error line; later lines (e.g. "only retention failed") add to what the first one said.</summary>
    public void Failed(string line) => Update(f => f with { Error = f.Error ?? line });

    /// <summary>The outcome with <paramref name="exitCode"/>, or null when no job command got as far as loading its spec.</summary>
    public CommandOutcome? Finish(int exitCode)
    {
        if (_facts is not { } f)
        {
            return null;
        }

        return new CommandOutcome(
            f.Command, f.Spec.Name, f.Spec.Source.Plugin, f.Spec.Storage.Plugin, exitCode, _startedAt, clock.GetUtcNow(),
            f.BackupId, f.StoredBytes, f.SourceBytes, exitCode == 0 ? null : f.Error, f.Node, f.Location);
    }

    private void Update(Func<Facts, Facts> change)
    {
        if (_facts is { } facts)
        {
            _facts = change(facts);
        }
    }

    private sealed record Facts(string Command, JobSpec Spec)
    {
        public string? BackupId { get; init; }

        public string? Location { get; init; }

        public long? StoredBytes { get; init; }

        public long? SourceBytes { get; init; }

        public string? Node { get; init; }

        public string? Error { get; init; }
    }
}
