namespace Backup.Abstractions;

/// <summary>One verified log file to replay.</summary>
/// <param name="Path">The file's full path in the host's work directory.</param>
/// <param name="StartAfter">Skip the file's transactions up to and including this position (already in the restored backup or an earlier file), or <see langword="null"/> to replay it from its start.</param>
/// <remarks>Added in contract 1.3.</remarks>
public sealed record LogReplaySegment(string Path, LogPosition? StartAfter);
