namespace Backup.Plugins.Aws;

/// <summary>Chooses the size of each part of a multipart upload so that the object fits in the store's part limit.</summary>
/// <remarks>
/// S3 allows 10,000 parts of 5 MiB to 5 GiB (the last may be smaller); some S3-compatible stores allow fewer (Scaleway:
/// 1,000), which the <c>maxParts</c> setting says. With a known length, parts are sized to fit in 1,000 parts (fewer if the
/// limit is lower): large enough to need few requests.
/// With an unknown length, parts start at 8 MiB and double every fifth of the limit: with S3's 10,000 that is 8 MiB up
/// to ~16 GiB of uploaded (compressed) backup, so memory stays at 5 x 8 MiB where doubling every 200 parts put 32 MiB
/// parts (160 MiB in flight) into every backup past 3.2 GB; ~484 GiB fit in all. With 1,000 parts: ~50 GiB.
/// Each part is held in memory while it uploads, so the cap is 1 GiB.
/// </remarks>
internal sealed class PartSizing
{
    /// <summary>S3's limit on the number of parts of one upload, the default for <c>maxParts</c>.</summary>
    public const int S3MaxParts = 10_000;

    /// <summary>The default (and smallest automatic) part size: above S3's 5 MiB minimum, below fauxqs-like 10 MiB body limits.</summary>
    public const long DefaultPartSize = 8 * Mebibyte;

    private const long Mebibyte = 1024 * 1024;
    private const long MaxPartSize = 1024 * Mebibyte;
    private const int KnownLengthParts = 1_000;

    private readonly long _baseSize;
    private readonly int _partsPerDoubling;

    private PartSizing(long baseSize, int maxParts, int partsPerDoubling)
    {
        _baseSize = baseSize;
        MaxParts = maxParts;
        _partsPerDoubling = partsPerDoubling;
    }

    /// <summary>The store's limit on the number of parts.</summary>
    public int MaxParts { get; }

    /// <summary>Sizing for an upload: <paramref name="fixedSize"/> when the spec sets one, else from <paramref name="length"/> when known.</summary>
    public static PartSizing For(long? fixedSize, long? length, int maxParts = S3MaxParts)
    {
        if (fixedSize is { } size)
        {
            return new PartSizing(size, maxParts, partsPerDoubling: 0);
        }

        if (length is { } known)
        {
            var target = Math.Min(KnownLengthParts, maxParts);
            var perPart = (known + target - 1) / target;
            var rounded = (perPart + Mebibyte - 1) / Mebibyte * Mebibyte;
            return new PartSizing(Math.Clamp(rounded, DefaultPartSize, MaxPartSize), maxParts, partsPerDoubling: 0);
        }

        return new PartSizing(DefaultPartSize, maxParts, partsPerDoubling: Math.Max(1, maxParts / 5));
    }

    /// <summary>The size of part <paramref name="partNumber"/> (1-based).</summary>
    public int SizeOf(int partNumber)
    {
        if (_partsPerDoubling == 0)
        {
            return (int)_baseSize;
        }

        var doublings = Math.Min((partNumber - 1) / _partsPerDoubling, 20);
        return (int)Math.Min(_baseSize << doublings, MaxPartSize);
    }

    /// <summary>The most bytes an upload can hold within <see cref="MaxParts"/> parts.</summary>
    public long Capacity()
    {
        long total = 0;
        for (var part = 1; part <= MaxParts; part++)
        {
            total += SizeOf(part);
        }

        return total;
    }
}
