namespace Backup.Plugins.Aws;

/// <summary>Chooses the size of each part of a multipart upload so that the object fits in the store's part limit.</summary>
/// <remarks>
/// S3 allows 10,000 parts of 5 MiB to 5 GiB (the last may be smaller); some S3-compatible stores allow only 1,000, so
/// 8 MiB parts would stop them at ~8 GiB. With a known length, parts are sized for at most 1,000 parts. With an
/// unknown length, the size doubles every 200 parts (8, 16, 32 ... MiB), which fits ~50 GiB into 1,000 parts while a
/// small backup still uses small parts. Each part is held in memory while it uploads, so the cap is 1 GiB.
/// </remarks>
internal sealed class PartSizing
{
    /// <summary>S3's limit on the number of parts of one upload.</summary>
    public const int MaxParts = 10_000;

    /// <summary>The default (and smallest automatic) part size: above S3's 5 MiB minimum, below fauxqs-like 10 MiB body limits.</summary>
    public const long DefaultPartSize = 8 * Mebibyte;

    private const long Mebibyte = 1024 * 1024;
    private const long MaxPartSize = 1024 * Mebibyte;
    private const int TargetParts = 1_000;
    private const int PartsPerDoubling = 200;

    private readonly long _baseSize;
    private readonly bool _grows;

    private PartSizing(long baseSize, bool grows)
    {
        _baseSize = baseSize;
        _grows = grows;
    }

    /// <summary>Sizing for an upload: <paramref name="fixedSize"/> when the spec sets one, else from <paramref name="length"/> when known.</summary>
    public static PartSizing For(long? fixedSize, long? length)
    {
        if (fixedSize is { } size)
        {
            return new PartSizing(size, grows: false);
        }

        if (length is { } known)
        {
            var perPart = (known + TargetParts - 1) / TargetParts;
            var rounded = (perPart + Mebibyte - 1) / Mebibyte * Mebibyte;
            return new PartSizing(Math.Clamp(rounded, DefaultPartSize, MaxPartSize), grows: false);
        }

        return new PartSizing(DefaultPartSize, grows: true);
    }

    /// <summary>The size of part <paramref name="partNumber"/> (1-based).</summary>
    public int SizeOf(int partNumber)
    {
        if (!_grows)
        {
            return (int)_baseSize;
        }

        var doublings = Math.Min((partNumber - 1) / PartsPerDoubling, 20);
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
