namespace Backup.Host.Dump;

/// <summary>Feeds a dump, in chunks of any size, through a <see cref="DumpSectionScanner"/> and hands on every byte with its section.</summary>
/// <remarks>Keeps at most a few KiB between chunks (the bytes the scanner must see more of to decide), so memory stays bounded whatever the dump holds.</remarks>
internal sealed class DumpSectionSplitter(SectionBytes onBytes)
{
    /// <summary>The most distinct database sections a dump may have.</summary>
    public const int MaxDatabases = 100_000;

    private readonly DumpSectionScanner _scanner = new();
    private readonly List<(int Offset, string Database)> _markers = [];
    private readonly List<string> _seen = [];
    private readonly HashSet<string> _seenSet = new(StringComparer.Ordinal);
    private readonly byte[] _carry = new byte[DumpSectionScanner.MaxLookahead * 4];
    private int _carryLength;

    /// <summary>The section the next byte belongs to; null before the first marker.</summary>
    public string? Current { get; private set; }

    /// <summary>Every database with a section so far, in first-seen order, each once.</summary>
    public IReadOnlyList<string> Databases => _seen;

    /// <summary>Hands on <paramref name="chunk"/>, except a tail the scanner needs more bytes for, which comes with the next call.</summary>
    public void Feed(ReadOnlySpan<byte> chunk) => Process(chunk, final: false);

    /// <summary>Hands on whatever is held back: the dump has ended.</summary>
    public void Complete() => Process([], final: true);

    private void Process(ReadOnlySpan<byte> chunk, bool final)
    {
        while (true)
        {
            if (_carryLength == 0)
            {
                var consumed = ScanAndEmit(chunk, final);
                chunk[consumed..].CopyTo(_carry);
                _carryLength = chunk.Length - consumed;
                return;
            }

            var take = Math.Min(chunk.Length, _carry.Length - _carryLength);
            chunk[..take].CopyTo(_carry.AsSpan(_carryLength));
            chunk = chunk[take..];
            _carryLength += take;
            var held = ScanAndEmit(_carry.AsSpan(0, _carryLength), final && chunk.IsEmpty);
            _carry.AsSpan(held, _carryLength - held).CopyTo(_carry);
            _carryLength -= held;
            if (chunk.IsEmpty)
            {
                return;
            }
        }
    }

    private int ScanAndEmit(ReadOnlySpan<byte> data, bool final)
    {
        _markers.Clear();
        var consumed = _scanner.Scan(data, final, _markers);
        var start = 0;
        foreach (var (offset, database) in _markers)
        {
            Emit(data[start..offset]);
            Current = database;
            if (_seenSet.Add(database))
            {
                // A real server has at most thousands of databases; a forged dump must not grow this without end.
                _seen.Add(database);
                if (_seen.Count > MaxDatabases)
                {
                    throw new InvalidDataException($"the dump has more than {MaxDatabases:N0} database sections");
                }
            }

            start = offset;
        }

        Emit(data[start..consumed]);
        return consumed;
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            onBytes(bytes, Current);
        }
    }
}
