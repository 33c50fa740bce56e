namespace Backup.Host.Pipeline;

/// <summary>One entry a source wrote, as recorded in the manifest.</summary>
/// <param name="Name">The entry's file name inside the archive.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha1">Its SHA-1, lower-case hex.</param>
internal sealed record EntryInfo(string Name, long Size, string Sha1);
