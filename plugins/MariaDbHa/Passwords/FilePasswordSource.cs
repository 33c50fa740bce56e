using Backup.Abstractions;

namespace Backup.Plugins.MariaDbHa.Passwords;

/// <summary>A password read from a file, e.g. a mounted Secret volume.</summary>
internal sealed class FilePasswordSource(string path) : IPasswordSource
{
    public IReadOnlyList<string> SecretVariables => [];

    public async Task<string> ResolveAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupCredentialsException($"cannot read the password file '{path}': {ex.Message}", ex);
        }

        // Files written by `echo` or editors end in a newline that is not part of the password.
        var password = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2]
            : text.EndsWith('\n') ? text[..^1]
            : text;
        if (password.Length == 0)
        {
            throw new BackupCredentialsException($"the password file '{path}' is empty");
        }

        return password;
    }
}
