using Backup.Abstractions;

namespace Backup.Host.Stored;

/// <summary>Carries the first integrity failure found while a backup is being loaded, and stops the load when it comes.</summary>
/// <remarks>
/// The failure is found inside a stream the source reads, and a source may wrap or swallow what its reads throw
/// (the client's stdin pipe hides it): so the runner asks this after the load, and the source's token is cancelled
/// at once, which kills the client before it sees the end of its input.
/// </remarks>
internal sealed class IntegrityWatch : IDisposable
{
    private readonly CancellationTokenSource _load;

    /// <summary>Watches a load that stops with <paramref name="cancellationToken"/> as well.</summary>
    public IntegrityWatch(CancellationToken cancellationToken) => _load = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

    /// <summary>The token to give the source: cancelled on the first failure or when the run is cancelled.</summary>
    public CancellationToken Token => _load.Token;

    /// <summary>The first failure reported, if any.</summary>
    public BackupIntegrityException? Failure { get; private set; }

    /// <summary>Records <paramref name="failure"/> (the first one wins), stops the load, and returns the failure to throw.</summary>
    public BackupIntegrityException Report(BackupIntegrityException failure)
    {
        Failure ??= failure;
        _load.Cancel();
        return Failure;
    }

    /// <inheritdoc />
    public void Dispose() => _load.Dispose();
}
