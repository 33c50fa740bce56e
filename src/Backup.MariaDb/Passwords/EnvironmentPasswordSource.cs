using Backup.Abstractions;

namespace Backup.Plugins.MariaDbHa.Passwords;

/// <summary>A password read from an environment variable of the backup process.</summary>
internal sealed class EnvironmentPasswordSource(string variable) : IPasswordSource
{
    public IReadOnlyList<string> SecretVariables { get; } = [variable];

    public Task<string> ResolveAsync(CancellationToken cancellationToken)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            throw new BackupCredentialsException($"the password environment variable '{variable}' is not set or empty");
        }

        return Task.FromResult(value);
    }
}
