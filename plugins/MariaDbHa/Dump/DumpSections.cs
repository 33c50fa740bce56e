namespace Backup.Plugins.MariaDbHa.Dump;

/// <summary>Splits a mariadb-dump stream, in chunks of any size, into its database sections: how <c>restore --database</c> loads part of an <c>--all-databases</c> dump.</summary>
/// <remarks>
/// An <c>--all-databases</c> dump writes each database as a section that begins with a <c>-- Current Database: `name`</c>
/// line; the dump's header (SET statements) comes before the first. The <see cref="DumpScanner"/> decides where a
/// marker counts, so nothing is held back between chunks and memory stays a few KiB.
/// </remarks>
internal sealed class DumpSections : IDumpTokens
{
    /// <summary>The most distinct database sections a dump may have.</summary>
    public const int MaxDatabases = 100_000;

    private readonly DumpScanner _scanner;
    private readonly List<(int Offset, string Database)> _markers = [];
    private readonly List<string> _seen = [];
    private readonly HashSet<string> _seenSet = new(StringComparer.Ordinal);

    /// <summary>Creates a splitter at the start of a dump.</summary>
    public DumpSections() => _scanner = new DumpScanner(this);

    /// <summary>The section the next byte belongs to; null before the first marker (the dump's header).</summary>
    public string? Current { get; private set; }

    /// <summary>Every database with a section so far, in first-seen order, each once.</summary>
    public IReadOnlyList<string> Databases => _seen;

    /// <summary>Scans <paramref name="chunk"/> and hands each run of it to <paramref name="onBytes"/> with its section.</summary>
    /// <exception cref="InvalidDataException">The dump has more than <see cref="MaxDatabases"/> sections.</exception>
    public void Feed(ReadOnlySpan<byte> chunk, SectionBytes onBytes)
    {
        _markers.Clear();
        _scanner.Scan(chunk);
        var start = 0;
        foreach (var (offset, database) in _markers)
        {
            Emit(chunk[start..offset], onBytes);
            Current = database;
            start = offset;
            if (_seenSet.Add(database))
            {
                // A real server has at most thousands of databases; a forged dump must not grow this without end.
                _seen.Add(database);
                if (_seen.Count > MaxDatabases)
                {
                    throw new InvalidDataException($"the dump has more than {MaxDatabases:N0} database sections");
                }
            }
        }

        Emit(chunk[start..], onBytes);
    }

    /// <summary>Ends the dump.</summary>
    public void Complete() => _scanner.Complete();

    /// <summary>Lists the database sections of a whole dump, reading <paramref name="dump"/> to its end.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(Stream dump, CancellationToken cancellationToken)
    {
        var sections = new DumpSections();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await dump.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sections.Feed(buffer.AsSpan(0, read), static (_, _) => { });
        }

        sections.Complete();
        return sections.Databases;
    }

    void IDumpTokens.OnSection(string database, int offset) => _markers.Add((offset, database));

    private void Emit(ReadOnlySpan<byte> bytes, SectionBytes onBytes)
    {
        if (!bytes.IsEmpty)
        {
            onBytes(bytes, Current);
        }
    }
}
