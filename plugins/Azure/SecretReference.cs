using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>Where a secret is: an environment variable or a file (e.g. a mounted Kubernetes Secret), never its value.</summary>
/// <param name="Setting">The setting that named it, for error messages.</param>
/// <param name="Variable">The environment variable's name, or null.</param>
/// <param name="FilePath">The file's path, or null.</param>
internal sealed record SecretReference(string Setting, string? Variable, string? FilePath)
{
    /// <summary>A secret in an environment variable.</summary>
    public static SecretReference FromEnvironment(string setting, string variable) => new(setting, variable, null);

    /// <summary>A secret in a file.</summary>
    public static SecretReference FromFile(string setting, string path) => new(setting, null, path);

    /// <summary>Names the place, e.g. <c>$AZURE_STORAGE_CONNECTION_STRING</c>, for messages.</summary>
    public string Describe() => Variable is not null ? $"${Variable}" : $"file {FilePath}";

    /// <summary>Reads the secret, trimmed of surrounding white space; throws <see cref="BackupCredentialsException"/> when absent or empty.</summary>
    public async Task<string> ReadAsync(CancellationToken cancellationToken)
    {
        string? value;
        if (Variable is not null)
        {
            value = Environment.GetEnvironmentVariable(Variable);
        }
        else
        {
            try
            {
                value = await File.ReadAllTextAsync(FilePath!, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new BackupCredentialsException($"azure: cannot read {Setting} '{FilePath}': {ex.Message}", ex);
            }
        }

        // Connection strings and SAS tokens never contain white space; files from `echo` end in a newline.
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            throw new BackupCredentialsException($"azure: {Setting}: {Describe()} is not set or empty");
        }

        return value;
    }
}
