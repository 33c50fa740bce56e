using Backup.MariaDb;
using Backup.Plugins.MariaDbHa.Inventory;

namespace Backup.Plugins.MariaDbHa;

/// <summary>A write-only pass-through stream that counts bytes, keeps the dump's head and tail for checks and, when asked, reads its inventory.</summary>
/// <remarks>The head gives the server version; the tail proves the dump was not cut off and holds its GTID position.</remarks>
internal sealed class DumpStreamTap(Stream inner, DumpInventory? inventory = null) : CountingWriteStream(inner)
{
    private const int HeadSize = 1024;
    // The tail holds the trailer and, before it, the GTID comment --master-data=2 --gtid writes (~500 bytes from the end).
    private const int TailSize = 2048;

    private readonly byte[] _head = new byte[HeadSize];
    private readonly byte[] _tail = new byte[TailSize];
    private int _headLength;

    /// <summary>The first bytes written (up to 1 KiB).</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <summary>The last bytes written (up to 2 KiB), in order.</summary>
    public byte[] Tail
    {
        get
        {
            var count = (int)Math.Min(Length, TailSize);
            var result = new byte[count];
            var start = (int)((Length - count) % TailSize);
            for (var i = 0; i < count; i++)
            {
                result[i] = _tail[(start + i) % TailSize];
            }

            return result;
        }
    }

    /// <summary>The inventory read from the bytes written, when one was asked for.</summary>
    public DumpInventory? Inventory => inventory;

    protected override void Observe(ReadOnlySpan<byte> data)
    {
        inventory?.Scan(data);
        if (_headLength < HeadSize)
        {
            var take = Math.Min(HeadSize - _headLength, data.Length);
            data[..take].CopyTo(_head.AsSpan(_headLength));
            _headLength += take;
        }

        // Only the last TailSize bytes of this write can matter; write them into the ring buffer.
        var skip = Math.Max(0, data.Length - TailSize);
        var position = Length + skip;
        foreach (var b in data[skip..])
        {
            _tail[(int)(position++ % TailSize)] = b;
        }
    }
}
