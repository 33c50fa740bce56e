namespace Backup.Plugins.Aws.Tests;

/// <summary>Part sizes keep any object within the store's part limit; 1,000-part stores (some S3-compatible ones) included.</summary>
public sealed class PartSizingSpecs
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    [Theory]
    [InlineData(0L)]
    [InlineData(300 * MiB)]
    [InlineData(16 * GiB)]
    [InlineData(900 * GiB)]
    public void A_known_length_fits_in_1000_parts_of_at_least_8_MiB(long length)
    {
        var sizing = PartSizing.For(fixedSize: null, length);

        sizing.SizeOf(1).Should().BeGreaterThanOrEqualTo((int)(8 * MiB));
        ((double)length / sizing.SizeOf(1)).Should().BeLessThanOrEqualTo(1000);
        sizing.SizeOf(1).Should().Be(sizing.SizeOf(999), "a known length needs no growth");
    }

    [Fact]
    public void An_unknown_length_starts_small_and_grows_so_that_1000_parts_hold_tens_of_gigabytes()
    {
        var sizing = PartSizing.For(fixedSize: null, length: null);

        sizing.SizeOf(1).Should().Be((int)(8 * MiB));
        sizing.SizeOf(200).Should().Be((int)(8 * MiB));
        sizing.SizeOf(201).Should().Be((int)(16 * MiB));
        Enumerable.Range(1, 1000).Sum(p => (long)sizing.SizeOf(p)).Should().BeGreaterThan(48 * GiB);
        sizing.SizeOf(10_000).Should().Be((int)GiB, "one part is one buffer in memory, so it is capped");
    }

    [Fact]
    public void A_fixed_part_size_is_used_as_given()
    {
        var sizing = PartSizing.For(fixedSize: 5 * MiB, length: null);

        sizing.SizeOf(1).Should().Be((int)(5 * MiB));
        sizing.SizeOf(5000).Should().Be((int)(5 * MiB));
        sizing.Capacity().Should().Be(10_000 * 5 * MiB);
    }
}
