namespace Backup.Host.Encryption;

/// <summary>The identities a verify or restore may decrypt with; disposing wipes them.</summary>
internal sealed class AgeKeyRing(IReadOnlyList<AgeIdentity> identities) : IDisposable
{
    /// <summary>The identities, in the order they are tried.</summary>
    public IReadOnlyList<AgeIdentity> Identities { get; } = identities;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var identity in Identities)
        {
            identity.Dispose();
        }
    }
}
