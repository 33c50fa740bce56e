using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;

namespace Backup.Host.Encryption;

/// <summary>Where the age identity (private key) comes from: a file (e.g. a mounted Kubernetes Secret) or an environment variable.</summary>
/// <remarks>
/// The same sources the database password has, without the API-server one: the host has no Kubernetes client, and a
/// Secret mounted as a volume or passed by <c>secretKeyRef</c> reaches the restore pod the same way. Read only by
/// commands that decrypt (verify, restore), never by <c>backup run</c>: the backup pod holds public keys only.
/// </remarks>
/// <param name="File">A path to an age identity file (age-keygen's output: comments and AGE-SECRET-KEY-1 lines).</param>
/// <param name="Environment">The name of an environment variable holding such text.</param>
internal sealed record IdentitySource(string? File, string? Environment)
{
    /// <summary>The largest identity file read: one key line is 74 bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Where the identity is, for messages (never its contents).</summary>
    public string Describe() => File is not null ? $"the identity file '{File}'" : $"the environment variable {Environment}";

    /// <summary>Reads and parses the identities.</summary>
    /// <exception cref="BackupCredentialsException">Unreadable, empty, too large or not an age identity; the message never quotes the contents.</exception>
    public async Task<IReadOnlyList<AgeIdentity>> ReadAsync(Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var text = File is not null ? await ReadFileAsync(File, cancellationToken) : environment(Environment!);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new BackupCredentialsException($"{Describe()} is empty or not set: it must hold an AGE-SECRET-KEY-1 line");
        }

        try
        {
            return AgeIdentity.ParseFile(text);
        }
        catch (FormatException ex)
        {
            throw new BackupCredentialsException($"{Describe()} is not an age identity: {ex.Message}");
        }
    }

    private static async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        // One byte past the cap tells a key file from /dev/zero or a dump given by mistake, in bounded memory.
        var buffer = new byte[MaxBytes + 1];
        int length;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
            length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupCredentialsException($"cannot read the identity file '{path}': {ex.Message}", ex);
        }

        if (length > MaxBytes)
        {
            throw new BackupCredentialsException($"the identity file '{path}' is larger than {MaxBytes / 1024} KiB: not an age identity file");
        }

        var text = Encoding.UTF8.GetString(buffer, 0, length).TrimStart('\uFEFF');
        CryptographicOperations.ZeroMemory(buffer);
        return text;
    }
}
