namespace Backup.Abstractions;

/// <summary>A storage that can check, cheaply and before any backup work, that its target exists and its credentials are accepted.</summary>
/// <remarks>
/// An optional capability beside <see cref="IBackupStorage"/> (contract 1.3). <c>backup run</c> calls
/// <see cref="CheckAsync"/> before the source starts, so a missing bucket or a refused credential ends the run in
/// seconds instead of after the whole dump; <c>backup validate --online</c> calls it too. Make one or two requests
/// (a bucket/container metadata request, a probe file), never list or read backups. The host bounds the call with the
/// job's stall timeout and cancels the token when it expires.
/// </remarks>
public interface IPreflightBackupStorage : IBackupStorage
{
    /// <summary>Checks that the target is reachable, exists and accepts these credentials; returns quietly when it does.</summary>
    /// <param name="cancellationToken">Cancels the check (the host's deadline or the user's Ctrl-C).</param>
    /// <exception cref="BackupStorageException">The target is missing, unreachable or refuses the credentials; the message is one line naming the target and never a secret.</exception>
    Task CheckAsync(CancellationToken cancellationToken);
}
