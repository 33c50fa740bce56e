using System.Security.Cryptography;
using System.Text;

namespace Backup.Abstractions;

/// <summary>Where a secret is — an environment variable or a file (e.g. a mounted Kubernetes Secret) — never its value (contract 1.3).</summary>
/// <remarks>Read it with <see cref="ReadAsync"/> only when it is needed; every message names the setting and the place, never the value.</remarks>
public sealed class SecretReference
{
    /// <summary>The largest secret read from a file: passwords, keys and connection strings are far smaller, and a wrong path (<c>/dev/zero</c>, a dump) must not be read whole.</summary>
    public const int MaxFileBytes = 64 * 1024;

    private SecretReference(string setting, string? variable, string? filePath)
    {
        Setting = setting;
        Variable = variable;
        FilePath = filePath;
    }

    /// <summary>The setting that named the place, e.g. <c>source.settings.password</c>, for messages.</summary>
    public string Setting { get; }

    /// <summary>The environment variable holding the secret, or <see langword="null"/> for a file; no child process may inherit it.</summary>
    public string? Variable { get; }

    /// <summary>The file holding the secret, or <see langword="null"/> for an environment variable.</summary>
    public string? FilePath { get; }

    /// <summary>A secret in the environment variable <paramref name="variable"/>.</summary>
    public static SecretReference FromEnvironment(string setting, string variable) => new(setting, variable, null);

    /// <summary>A secret in the file at <paramref name="path"/>.</summary>
    public static SecretReference FromFile(string setting, string path) => new(setting, null, path);

    /// <summary>The place, e.g. <c>$DB_PASSWORD</c> or <c>file '/run/secrets/db'</c>, for messages.</summary>
    public string Describe() => Variable is not null ? $"${Variable}" : $"file '{FilePath}'";

    /// <inheritdoc />
    public override string ToString() => $"{Setting} ({Describe()})";

    /// <summary>Reads the secret: a file without a byte-order mark and one trailing newline (as <c>echo</c> and editors write it).</summary>
    /// <exception cref="BackupCredentialsException">The variable is unset or empty, or the file is unreadable, empty or larger than <see cref="MaxFileBytes"/>.</exception>
    public async Task<string> ReadAsync(CancellationToken cancellationToken)
    {
        if (Variable is not null)
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            return string.IsNullOrEmpty(value) ? throw Refused("is not set or empty") : value;
        }

        // Read at most one byte past the cap: the length alone tells a wrong path.
        var buffer = new byte[MaxFileBytes + 1];
        int length;
        try
        {
            await using var stream = new FileStream(FilePath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
            length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The exception's message names the path only, never the content.
            throw new BackupCredentialsException($"{Setting}: cannot read {Describe()}: {ex.Message}", ex);
        }

        if (length > MaxFileBytes)
        {
            throw Refused($"is larger than {MaxFileBytes / 1024} KiB: not a secret");
        }

        var bom = buffer.AsSpan(0, length).StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var text = Encoding.UTF8.GetString(buffer, bom, length - bom);
        CryptographicOperations.ZeroMemory(buffer);

        // Only the line end goes: a password may begin or end with a space.
        var secret = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return secret.Length == 0 ? throw Refused("is empty") : secret;
    }

    private BackupCredentialsException Refused(string what) => new($"{Setting}: {Describe()} {what}");
}
