namespace Backup.Host.Stored;

/// <summary>One line of <c>backup list</c>, also its JSON shape.</summary>
/// <param name="Id">The backup id.</param>
/// <param name="Timestamp">When it was made (UTC).</param>
/// <param name="Size">The archive's size in bytes; null when the archive is missing.</param>
/// <param name="Checksum"><c>complete</c> when the <c>.sha1</c> and the archive exist, else <c>incomplete</c>.</param>
/// <param name="Node">The server the backup was taken from, per the manifest beside it; null when unknown.</param>
/// <param name="Key">The archive's object key (or the first object's, when the archive is missing).</param>
/// <param name="Location">Where the archive (or that first object) really is, as the storage says (a path, an <c>s3://</c> or <c>https://</c> URL).</param>
/// <param name="FutureDated">Dated later than now plus the clock-skew tolerance: never <c>--latest</c>, counted by no retention rule.</param>
/// <param name="BasedOn">The backup this one is an increment on, per the manifest beside it; null for a full backup (or when unknown).</param>
internal sealed record BackupListing(string Id, DateTimeOffset Timestamp, long? Size, string Checksum, string? Node, string Key, string Location, bool FutureDated, string? BasedOn = null)
{
    /// <summary>What the table says after a future-dated backup.</summary>
    public const string FutureDatedNote = "dated in the future (wrong clock?): never --latest, counted by no retention rule";

    /// <summary>The value of <see cref="Checksum"/> for a finished upload.</summary>
    public const string Complete = "complete";

    /// <summary>The value of <see cref="Checksum"/> for a failed or interrupted upload.</summary>
    public const string Incomplete = "incomplete";
}
