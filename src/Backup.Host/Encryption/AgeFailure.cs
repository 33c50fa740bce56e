namespace Backup.Host.Encryption;

/// <summary>Why an age file could not be decrypted; each has its own one-line message.</summary>
internal enum AgeFailure
{
    /// <summary>The header is malformed, too large, or of an unsupported version.</summary>
    MalformedHeader,

    /// <summary>None of the given identities can open any recipient stanza: wrong key.</summary>
    NoMatchingIdentity,

    /// <summary>A file key was unwrapped but the header's MAC does not match: the header was altered.</summary>
    HeaderMacMismatch,

    /// <summary>The payload ends before its final chunk.</summary>
    Truncated,

    /// <summary>A chunk fails authentication: the ciphertext was altered or damaged.</summary>
    ChunkAuthentication,

    /// <summary>Bytes follow the final chunk.</summary>
    TrailingData,
}
