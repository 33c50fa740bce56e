namespace Backup.Abstractions;

/// <summary>The backup an incremental source may build the new one on: the job's newest complete backup by the same source.</summary>
/// <param name="BackupId">Its id; a source that builds on it returns it as <see cref="SourceResult.BasedOn"/>.</param>
/// <param name="Metadata">The facts the source reported when it made that backup (its <see cref="SourceResult.Metadata"/>), e.g. an LSN to continue from.</param>
/// <remarks>Added in contract 1.3.</remarks>
public sealed record PreviousBackup(string BackupId, IReadOnlyDictionary<string, string> Metadata);
