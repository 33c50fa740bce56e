namespace Backup.Plugins.Aws.Tests;

/// <summary>Part sizes keep any object within the store's part limit (S3's 10,000, or a smaller <c>maxParts</c>) and memory small.</summary>
public sealed class PartSizingSpecs
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    [Theory]
    [InlineData(0L, 10_000)]
    [InlineData(300 * MiB, 10_000)]
    [InlineData(16 * GiB, 1_000)]
    [InlineData(900 * GiB, 10_000)]
    [InlineData(900 * GiB, 1_000)]
    public void A_known_length_fits_in_1000_parts_of_at_least_8_MiB_whatever_the_limit(long length, int maxParts)
    {
        var sizing = PartSizing.For(fixedSize: null, length, maxParts);

        sizing.SizeOf(1).Should().BeGreaterThanOrEqualTo((int)(8 * MiB));
        ((double)length / sizing.SizeOf(1)).Should().BeLessThanOrEqualTo(1000);
        sizing.SizeOf(1).Should().Be(sizing.SizeOf(999), "a known length needs no growth");
    }

    [Fact]
    public void An_unknown_length_keeps_8_MiB_parts_to_16_GiB_on_S3_and_still_holds_hundreds_of_gigabytes()
    {
        var sizing = PartSizing.For(fixedSize: null, length: null);

        sizing.MaxParts.Should().Be(10_000);
        sizing.SizeOf(1).Should().Be((int)(8 * MiB));
        sizing.SizeOf(2_000).Should().Be((int)(8 * MiB), "a 5 GB backup must not hold 5 x 32 MiB of parts in memory");
        sizing.SizeOf(2_001).Should().Be((int)(16 * MiB));
        sizing.Capacity().Should().BeGreaterThan(480 * GiB);
        sizing.SizeOf(10_000).Should().Be((int)(128 * MiB));
    }

    [Fact]
    public void On_a_1000_part_store_an_unknown_length_grows_every_200_parts_to_hold_tens_of_gigabytes()
    {
        var sizing = PartSizing.For(fixedSize: null, length: null, maxParts: 1_000);

        sizing.SizeOf(200).Should().Be((int)(8 * MiB));
        sizing.SizeOf(201).Should().Be((int)(16 * MiB));
        sizing.Capacity().Should().BeGreaterThan(48 * GiB);
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
