using System.Buffers;
using System.Text;

namespace Backup.Host.Dump;

/// <summary>
/// Finds the database sections of a <c>mariadb-dump</c> stream: the <c>-- Current Database: `name`</c> lines that
/// begin each database's part of an <c>--all-databases</c> dump, honoured only at a statement boundary.
/// </summary>
/// <remarks>
/// A dump is input from whoever can write to the bucket, and a row may hold any text: a marker inside a quoted
/// string, a comment, or the body of a routine (between <c>DELIMITER ;;</c> lines) must not switch sections. So this
/// follows the <c>mariadb</c> client's own reading: quotes (<c>'</c>, <c>"</c>, <c>`</c>, with backslash escapes
/// in the first two), <c>--</c> / <c>#</c> / <c>/* */</c> comments (<c>/*!</c> ones are code), the current
/// delimiter and <c>DELIMITER</c> lines; a marker counts only at the start of a line, outside all of them, with no
/// statement pending. State carries across <see cref="Scan"/> calls; a call stops early (returns less than it was
/// given) only where it must see more bytes to decide, never more than <see cref="MaxLookahead"/> bytes before the end.
/// </remarks>
internal sealed class DumpSectionScanner
{
    /// <summary>The most bytes a decision needs: a marker or DELIMITER line longer than this is an ordinary comment or statement.</summary>
    public const int MaxLookahead = 1024;

    private static readonly byte[] Marker = "-- Current Database: `"u8.ToArray();
    private static readonly byte[] DelimiterCommand = "delimiter"u8.ToArray();
    private static readonly SearchValues<byte> Blank = SearchValues.Create(" \t\r"u8);

    private State _state = State.Code;
    private bool _atLineStart = true;
    private bool _pending;
    private bool _escaped;
    private bool _inExecutableComment;
    private byte[] _delimiter = ";"u8.ToArray();
    private SearchValues<byte> _codeStops = CodeStops(";"u8);

    private enum State
    {
        Code,
        SingleQuote,
        DoubleQuote,
        Backtick,
        LineComment,
        BlockComment,
    }

    /// <summary>Scans <paramref name="data"/>; returns how many bytes were consumed and adds each marker found (its offset in <paramref name="data"/> and the database's name) to <paramref name="markers"/>.</summary>
    /// <param name="data">The next bytes of the dump, starting where the previous call stopped.</param>
    /// <param name="final">Whether these are the dump's last bytes (then everything is consumed).</param>
    /// <param name="markers">Receives the markers, in order.</param>
    public int Scan(ReadOnlySpan<byte> data, bool final, List<(int Offset, string Database)> markers)
    {
        var i = 0;
        while (i < data.Length)
        {
            var step = _state switch
            {
                State.Code => ScanCode(data, i, final, markers),
                State.SingleQuote => ScanQuote(data, i, (byte)'\'', escapes: true),
                State.DoubleQuote => ScanQuote(data, i, (byte)'"', escapes: true),
                State.Backtick => ScanQuote(data, i, (byte)'`', escapes: false),
                State.LineComment => ScanLineComment(data, i),
                _ => ScanBlockComment(data, i, final),
            };
            if (step < 0)
            {
                return i;
            }

            i = step;
        }

        return i;
    }

    private static SearchValues<byte> CodeStops(ReadOnlySpan<byte> delimiter) =>
        SearchValues.Create([.. "\n'\"`#-/*"u8, delimiter[0]]);

    /// <summary>Scans code from <paramref name="i"/>; returns the next position, or -1 when more bytes are needed to decide.</summary>
    private int ScanCode(ReadOnlySpan<byte> data, int i, bool final, List<(int Offset, string Database)> markers)
    {
        if (_atLineStart && !_pending && !_inExecutableComment)
        {
            var line = LineAt(data, i, final);
            if (line < 0)
            {
                return -1;
            }

            if (line > 0 && ClientCommand(data.Slice(i, line), i, markers))
            {
                _atLineStart = true;
                return i + line;
            }
        }

        var run = data[i..].IndexOfAny(_codeStops);
        if (run != 0)
        {
            var plain = run < 0 ? data[i..] : data.Slice(i, run);
            _pending |= plain.IndexOfAnyExcept(Blank) >= 0;
            _atLineStart = false;
            return run < 0 ? data.Length : i + run;
        }

        var b = data[i];
        var next = i + 1 < data.Length ? data[i + 1] : -1;
        if (b == _delimiter[0])
        {
            if (data.Length - i < _delimiter.Length && !final)
            {
                return -1;
            }

            if (data[i..].StartsWith(_delimiter))
            {
                _pending = false;
                _atLineStart = false;
                return i + _delimiter.Length;
            }
        }

        if (next < 0 && !final && b is (byte)'-' or (byte)'/' or (byte)'*')
        {
            return -1;
        }

        _atLineStart = b == '\n';
        switch (b)
        {
            case (byte)'\n':
                return i + 1;
            case (byte)'\'':
                _state = State.SingleQuote;
                break;
            case (byte)'"':
                _state = State.DoubleQuote;
                break;
            case (byte)'`':
                _state = State.Backtick;
                break;
            case (byte)'#':
                _state = State.LineComment;
                return i + 1;
            case (byte)'-' when next == '-' && (i + 2 >= data.Length ? final : data[i + 2] <= ' '):
                _state = State.LineComment;
                return i + 2;
            case (byte)'-' when next == '-' && i + 2 >= data.Length:
                return -1;
            case (byte)'/' when next == '*':
                if (i + 3 >= data.Length && !final)
                {
                    return -1;
                }

                // /*!NNNNN ... */ and MariaDB's /*M!NNNNNN ... */ are code the server runs (SET statements, IF NOT
                // EXISTS); /* ... */ is a comment.
                if (i + 2 < data.Length && (data[i + 2] == '!' || (data[i + 2] == 'M' && i + 3 < data.Length && data[i + 3] == '!')))
                {
                    _inExecutableComment = true;
                    _pending = true;
                    return i + 3;
                }

                _state = State.BlockComment;
                return i + 2;
            case (byte)'*' when next == '/' && _inExecutableComment:
                _inExecutableComment = false;
                return i + 2;
        }

        _pending = true;
        return i + 1;
    }

    /// <summary>The length of the line at <paramref name="i"/> including its newline; 0 when it is longer than <see cref="MaxLookahead"/>; -1 when more bytes are needed.</summary>
    private static int LineAt(ReadOnlySpan<byte> data, int i, bool final)
    {
        var window = data[i..Math.Min(data.Length, i + MaxLookahead)];
        var newline = window.IndexOf((byte)'\n');
        if (newline >= 0)
        {
            return newline + 1;
        }

        if (window.Length == MaxLookahead)
        {
            return 0;
        }

        return final ? window.Length : -1;
    }

    /// <summary>Handles a whole line at a statement boundary if it is a section marker or a DELIMITER command.</summary>
    private bool ClientCommand(ReadOnlySpan<byte> line, int offset, List<(int Offset, string Database)> markers)
    {
        var text = line.TrimEnd("\r\n"u8);
        if (text.StartsWith(Marker) && BacktickName(text[Marker.Length..]) is { } name)
        {
            markers.Add((offset, name));
            return true;
        }

        if (text.Length > DelimiterCommand.Length
            && Ascii.EqualsIgnoreCase(text[..DelimiterCommand.Length], DelimiterCommand)
            && text[DelimiterCommand.Length] is (byte)' ' or (byte)'\t')
        {
            var word = text[DelimiterCommand.Length..].Trim(" \t"u8);
            var end = word.IndexOfAny(" \t"u8);
            var delimiter = end < 0 ? word : word[..end];
            if (delimiter.Length > 0)
            {
                _delimiter = delimiter.ToArray();
                _codeStops = CodeStops(_delimiter);
                return true;
            }
        }

        return false;
    }

    /// <summary>The name in <c>name`</c> (a doubled backtick is one), when nothing but blanks follows it.</summary>
    private static string? BacktickName(ReadOnlySpan<byte> rest)
    {
        var name = new List<byte>();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] != '`')
            {
                name.Add(rest[i]);
            }
            else if (i + 1 < rest.Length && rest[i + 1] == '`')
            {
                name.Add((byte)'`');
                i++;
            }
            else
            {
                return name.Count > 0 && rest[(i + 1)..].IndexOfAnyExcept(Blank) < 0 ? Encoding.UTF8.GetString([.. name]) : null;
            }
        }

        return null;
    }

    private int ScanQuote(ReadOnlySpan<byte> data, int i, byte quote, bool escapes)
    {
        if (_escaped)
        {
            _escaped = false;
            return i + 1;
        }

        var stop = escapes ? data[i..].IndexOfAny(quote, (byte)'\\') : data[i..].IndexOf(quote);
        if (stop < 0)
        {
            return data.Length;
        }

        if (data[i + stop] == '\\')
        {
            _escaped = true;
            return i + stop + 1;
        }

        // A doubled quote ends the string and opens it again: the same state as reading it as an escape.
        _state = State.Code;
        _pending = true;
        _atLineStart = false;
        return i + stop + 1;
    }

    private int ScanLineComment(ReadOnlySpan<byte> data, int i)
    {
        var newline = data[i..].IndexOf((byte)'\n');
        if (newline < 0)
        {
            return data.Length;
        }

        _state = State.Code;
        _atLineStart = true;
        return i + newline + 1;
    }

    private int ScanBlockComment(ReadOnlySpan<byte> data, int i, bool final)
    {
        var star = data[i..].IndexOf((byte)'*');
        if (star < 0)
        {
            return data.Length;
        }

        var at = i + star;
        if (at + 1 >= data.Length)
        {
            return final ? data.Length : (at == i ? -1 : at);
        }

        if (data[at + 1] != '/')
        {
            return at + 1;
        }

        _state = State.Code;
        _atLineStart = false;
        return at + 2;
    }
}
