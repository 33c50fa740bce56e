using Backup.Abstractions;

namespace Backup.MariaDb.Passwords;

/// <summary>A password in an environment variable or a file (e.g. a mounted Secret volume), read as every plugin reads a secret.</summary>
internal sealed class SecretPasswordSource(SecretReference secret) : IPasswordSource
{
    public IReadOnlyList<string> SecretVariables => secret.Variable is { } variable ? [variable] : [];

    public Task<string> ResolveAsync(CancellationToken cancellationToken) => secret.ReadAsync(cancellationToken);
}
