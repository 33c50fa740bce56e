namespace Backup.MariaDb.Passwords;

/// <summary>Stands in while settings are invalid; never used because validation throws first.</summary>
internal sealed class MissingPasswordSource : IPasswordSource
{
    public static MissingPasswordSource Instance { get; } = new();

    private MissingPasswordSource()
    {
    }

    public IReadOnlyList<string> SecretVariables => [];

    public Task<string> ResolveAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The password source was not configured.");
}
