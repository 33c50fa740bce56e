namespace Backup.MariaDb;

/// <summary>A client program could not be started; the caller turns it into its own one-line error.</summary>
internal sealed class ClientNotStartedException(string message, Exception inner) : Exception(message, inner);
