namespace Backup.Host.Encryption;

/// <summary>An age file could not be decrypted; <see cref="Failure"/> says why and the message is one line.</summary>
/// <remarks>Plaintext released before the failure must be discarded by the reader: nothing is authentic until the end.</remarks>
internal sealed class AgeException(AgeFailure failure, string message) : Exception(message)
{
    /// <summary>What went wrong.</summary>
    public AgeFailure Failure { get; } = failure;
}
