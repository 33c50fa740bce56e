using System.Buffers.Binary;
using Backup.MariaDb.Binlogs;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class BinlogScannerSpecs : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new();

    // A v4 event: 19-byte header (timestamp, type, server id, size, next position, flags), the body, a 4-byte checksum.
    private static byte[] Event(byte type, DateTimeOffset at, uint server, byte[] body)
    {
        var bytes = new byte[19 + body.Length + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0), (uint)at.ToUnixTimeSeconds());
        bytes[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), server);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)bytes.Length);
        body.CopyTo(bytes, 19);
        return bytes;
    }

    private static byte[] GtidEvent(uint domain, ulong sequence, DateTimeOffset at)
    {
        var body = new byte[13];
        BinaryPrimitives.WriteUInt64LittleEndian(body, sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), domain);
        return Event(162, at, 1, body);
    }

    private string Binlog(params byte[][] events)
    {
        var path = _dir.Combine($"binlog.{Guid.NewGuid():N}");
        File.WriteAllBytes(path, [0xFE, (byte)'b', (byte)'i', (byte)'n', .. events.SelectMany(e => e)]);
        return path;
    }

    [Fact]
    public async Task The_first_and_last_gtid_of_the_domain_and_their_times_are_read_and_other_domains_ignored()
    {
        var path = Binlog(
            Event(15, Noon, 1, new byte[80]),
            GtidEvent(11, 3, Noon),
            GtidEvent(1, 5, Noon.AddSeconds(1)),
            Event(2, Noon.AddSeconds(1), 1, new byte[40]),
            GtidEvent(1, 7, Noon.AddSeconds(9)),
            GtidEvent(11, 4, Noon.AddSeconds(10)));

        var summary = await BinlogScanner.SummarizeAsync(path, 1, CancellationToken.None);

        summary.Should().Be(new BinlogSummary(new Gtid(1, 1, 5), new Gtid(1, 1, 7), Noon.AddSeconds(1), Noon.AddSeconds(9)));
        (await BinlogScanner.SummarizeAsync(path, 2, CancellationToken.None)).Should().BeNull("the file holds nothing of domain 2");
    }

    [Fact]
    public async Task A_file_cut_inside_an_event_or_without_the_magic_number_is_refused()
    {
        var whole = await File.ReadAllBytesAsync(Binlog(Event(15, Noon, 1, new byte[80]), GtidEvent(1, 5, Noon)));
        var cut = _dir.Combine("cut");
        await File.WriteAllBytesAsync(cut, whole[..^10]);
        var text = _dir.Combine("text");
        await File.WriteAllTextAsync(text, "-- not a binlog");

        await FluentActions.Awaiting(() => BinlogScanner.SummarizeAsync(cut, 1, CancellationToken.None)).Should().ThrowAsync<InvalidDataException>().WithMessage("*cut off*");
        await FluentActions.Awaiting(() => BinlogScanner.SummarizeAsync(text, 1, CancellationToken.None)).Should().ThrowAsync<InvalidDataException>().WithMessage("*magic*");
    }

    [Fact]
    public void The_dump_records_the_gtid_position_mariadb_dump_writes_near_its_end()
    {
        var tail = "\n-- SET GLOBAL gtid_slave_pos='1-1-11,11-1-2';\n/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n-- Dump completed on 2026-11-30\n"u8.ToArray();

        DumpHeader.GtidPosition(tail).Should().Be("1-1-11,11-1-2");
        DumpHeader.GtidPosition("-- Dump completed\n"u8.ToArray()).Should().BeNull();
        Gtid.ParseList("[1-1-7, 11-1-3, junk]").Should().Equal(new Gtid(1, 1, 7), new Gtid(11, 1, 3));
    }

    public void Dispose() => _dir.Dispose();
}
