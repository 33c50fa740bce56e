using Backup.Abstractions;

namespace Backup.Host.Pipeline;

/// <summary>The temp directory is full or cannot be written: the environment's problem, not the source's or the storage's.</summary>
/// <remarks>Host-only: plugins never throw it; the host recognises a full temp disk behind whatever a plugin made of the write error.</remarks>
internal sealed class TempDirectoryException(string message, Exception? innerException = null) : BackupException(message, innerException);
