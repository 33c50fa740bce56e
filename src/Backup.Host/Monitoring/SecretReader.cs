using System.Text;
using Backup.Host.Spec;

namespace Backup.Host.Monitoring;

/// <summary>Reads a <see cref="SecretReference"/> at the moment it is needed; its messages name where it was looked for, never the value.</summary>
internal static class SecretReader
{
    /// <summary>The secret's value, trimmed; throws <see cref="InvalidOperationException"/> saying what is missing.</summary>
    public static async Task<string> ReadAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        string? value;
        if (reference.Kind == "env")
        {
            value = Environment.GetEnvironmentVariable(reference.Name);
        }
        else
        {
            try
            {
                await using var file = new FileStream(reference.Name, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true);
                var buffer = new byte[SecretReference.MaxFileBytes + 1];
                var length = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
                value = length > SecretReference.MaxFileBytes
                    ? throw new InvalidOperationException($"{reference} is larger than {SecretReference.MaxFileBytes / 1024} KiB")
                    : Encoding.UTF8.GetString(buffer, 0, length);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The exception's own message names the path only, which is not the secret.
                throw new InvalidOperationException($"cannot read {reference}: {ex.GetType().Name}");
            }
        }

        return string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException($"{reference} is not set or empty") : value.Trim();
    }
}
