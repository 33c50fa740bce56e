namespace Backup.MariaDb.Passwords;

/// <summary>Where the database password comes from; resolved only when the backup runs.</summary>
internal interface IPasswordSource
{
    /// <summary>Reads the password; throws <see cref="Backup.Abstractions.BackupCredentialsException"/> naming the place, never the value.</summary>
    Task<string> ResolveAsync(CancellationToken cancellationToken);

    /// <summary>Environment variables of this process that hold the password; no child process may inherit them.</summary>
    IReadOnlyList<string> SecretVariables { get; }
}
