namespace Backup.Host.PointInTime;

/// <summary>What an index says about its encrypted file: the format and the public keys it is encrypted to, so an operator knows which private key opens it.</summary>
/// <param name="Format">The encryption format, <c>age</c> (age-encryption.org/v1), as for the backups.</param>
/// <param name="Recipients">The public keys (<c>age1...</c>) the file is encrypted to: the job's <c>encryption.recipients</c> when it was archived.</param>
internal sealed record LogEncryption(string Format, IReadOnlyList<string> Recipients);
