using Backup.Abstractions;

namespace Backup.Plugins.MariaDbHa.Passwords;

/// <summary>A password read from a file, e.g. a mounted Secret volume.</summary>
internal sealed class FilePasswordSource(string path) : IPasswordSource
{
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
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            return text[..^2];
        }

        return text.EndsWith('\n') ? text[..^1] : text;
    }
}
