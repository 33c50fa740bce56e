using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;

namespace Backup.Plugins.MariaDbHa.Passwords;

/// <summary>A password read from a file, e.g. a mounted Secret volume.</summary>
internal sealed class FilePasswordSource(string path) : IPasswordSource
{
    /// <summary>The largest password file read; a Secret's value is at most 1 MiB, a real password far less.</summary>
    public const int MaxBytes = 64 * 1024;

    public IReadOnlyList<string> SecretVariables => [];

    public async Task<string> ResolveAsync(CancellationToken cancellationToken)
    {
        // Read at most one byte past the cap: a wrong path (/dev/zero, a dump, a log) must not be read whole.
        var buffer = new byte[MaxBytes + 1];
        int length;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
            length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupCredentialsException($"cannot read the password file '{path}': {ex.Message}", ex);
        }

        if (length > MaxBytes)
        {
            throw new BackupCredentialsException($"the password file '{path}' is larger than {MaxBytes / 1024} KiB: not a password file");
        }

        // A byte-order mark (Windows editors) is not part of the password, as File.ReadAllText knew.
        var bom = buffer.AsSpan(0, length).StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var text = Encoding.UTF8.GetString(buffer, bom, length - bom);
        CryptographicOperations.ZeroMemory(buffer);

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
