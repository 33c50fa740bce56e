namespace Backup.Host.Pipeline;

/// <summary>One entry a source wrote, as recorded in the manifest.</summary>
/// <param name="Name">The entry's file name (inside the archive, unless it is cut into chunks).</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha1">Its SHA-1, lower-case hex: of the whole entry, also when it is stored in chunks.</param>
internal sealed record EntryInfo(string Name, long Size, string Sha1)
{
    /// <summary>How many tar entries hold it (<see cref="EntryChunks.NameOf"/> gives their names, in order), or null when it is one tar entry of its own name.</summary>
    public int? Chunks { get; init; }
}
