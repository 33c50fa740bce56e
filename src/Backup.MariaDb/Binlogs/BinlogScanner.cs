using System.Buffers.Binary;

namespace Backup.MariaDb.Binlogs;

/// <summary>Reads the GTID events of a binary log file (format v4) without a client program: header by header, skipping every body it does not need.</summary>
/// <remarks>
/// A file downloaded from a server is input like any other: every event's size is checked against the bytes left, and
/// a file that does not start with the magic number or ends inside an event is refused. Reading only the 19-byte
/// headers and the GTID bodies is what makes scanning cheap: a 1 GB binlog is one sequential read, no text decoding
/// (<c>mariadb-binlog</c> would print every row as base64 first). Layout from MariaDB's log_event.h: timestamp (4),
/// type (1), server id (4), event size (4), next position (4), flags (2); a GTID event's body starts with the
/// sequence number (8) and the domain id (4).
/// </remarks>
internal static class BinlogScanner
{
    private const int HeaderSize = 19;
    private const byte GtidEvent = 162;
    private static readonly byte[] Magic = [0xFE, (byte)'b', (byte)'i', (byte)'n'];

    /// <summary>The first and last GTID of <paramref name="domain"/> in the file, or null when it holds none.</summary>
    /// <exception cref="InvalidDataException">The file is not a binary log or is cut off.</exception>
    public static async Task<BinlogSummary?> SummarizeAsync(string path, uint domain, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var header = new byte[HeaderSize];
        var magic = new byte[Magic.Length];
        if (await file.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) != magic.Length || !magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} is not a binary log (no magic number)");
        }

        Gtid? first = null, last = null;
        DateTimeOffset firstTime = default, lastTime = default;
        var body = new byte[12];
        var position = (long)Magic.Length;
        while (true)
        {
            var read = await file.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            var size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(9, 4));
            if (read < HeaderSize || size < HeaderSize || size > file.Length - position)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} is cut off or damaged at byte {position} (event of {size} bytes, {file.Length - position} left)");
            }

            var bodySize = size - HeaderSize;
            if (header[4] == GtidEvent && bodySize >= body.Length)
            {
                await file.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
                var gtid = new Gtid(
                    BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(8, 4)),
                    BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(5, 4)),
                    BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(0, 8)));
                bodySize -= (uint)body.Length;
                if (gtid.Domain == domain)
                {
                    var time = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0, 4)));
                    if (first is null)
                    {
                        (first, firstTime) = (gtid, time);
                    }

                    (last, lastTime) = (gtid, time);
                }
            }

            file.Seek(bodySize, SeekOrigin.Current);
            position += size;
        }

        return first is null ? null : new BinlogSummary(first, last!, firstTime, lastTime);
    }
}
