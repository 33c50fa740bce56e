using System.Buffers;
using System.Text;

namespace Backup.Plugins.MariaDbHa.Dump;

/// <summary>
/// Reads a mariadb-dump stream as the <c>mariadb</c> client splits it into statements (quotes, backslash escapes,
/// doubled quotes, comments, <c>/*! ... */</c> executable comments, DELIMITER lines) and hands what it finds to an
/// <see cref="IDumpTokens"/>: the words and names at the head of a statement, the parentheses of an INSERT (for the
/// inventory), and the <c>-- Current Database: `name`</c> lines that begin each database's section (for
/// <c>restore --database</c>). The one reading of the dump format both need.
/// </summary>
/// <remarks>
/// Fed chunk by chunk as the dump streams through the plugin, so every state survives a chunk boundary, and memory is
/// bounded: one word or name (at most <see cref="MaxToken"/> bytes) at a time, whatever the length of a line or a value.
/// Runs that cannot change the state (inside a string, between the parentheses of an INSERT) are skipped with
/// vectorised searches: that is what keeps the scan far faster than the dump itself (see bench/inventory).
/// A dump is input from whoever can write to the bucket, and a row may hold any text: a section marker counts only
/// at the start of a line, outside strings, comments and executable comments, with no statement pending.
/// </remarks>
internal sealed class DumpScanner(IDumpTokens tokens)
{
    /// <summary>The longest word or name kept; MariaDB names are at most 64 characters (256 bytes of UTF-8), longer ones are cut.</summary>
    public const int MaxToken = 256;

    private const int MaxDelimiter = 16;

    /// <summary>The longest comment line read as a possible section marker; a marker names one database (at most 256 bytes, doubled backticks aside).</summary>
    private const int MaxMarkerLine = 1024;

    private static readonly byte[] Marker = "Current Database: `"u8.ToArray();

    private static readonly SearchValues<byte> SingleQuoteStops = SearchValues.Create("'\\"u8);
    private static readonly SearchValues<byte> DoubleQuoteStops = SearchValues.Create("\"\\"u8);

    private readonly byte[] _token = new byte[MaxToken];
    private readonly byte[] _comment = new byte[MaxMarkerLine];
    private byte[] _delimiter = ";"u8.ToArray();
    private SearchValues<byte> _codeStops = CodeStops(";"u8);
    private State _state = State.Code;
    private int _tokenLength;
    private bool _inWord;
    private bool _inExecutableComment;
    private int _delimiterMatched;
    private bool _pending;
    private byte _lastByte = (byte)'\n';
    private bool _markerCandidate;
    private int _commentLength = -1;

    private enum State
    {
        Code, SingleQuote, SingleQuoteEscape, SingleQuoteEnd, DoubleQuote, DoubleQuoteEscape, DoubleQuoteEnd, Backtick, BacktickEnd,
        Dash, DashDash, LineComment, Slash, SlashStar, SlashStarM, ExecutableVersion, BlockComment, BlockStar, ExecutableStar,
        Delimiter, DelimiterLine,
    }

    /// <summary>Scans the next bytes of the dump; offsets given to <see cref="IDumpTokens.OnSection"/> are positions in <paramref name="data"/>.</summary>
    public void Scan(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        ScanChunk(data);
        _lastByte = data[^1];
    }

    /// <summary>Ends the dump: a statement without its delimiter still counts (the client runs it too).</summary>
    public void Complete()
    {
        EndWord();
        EndStatement();
    }

    private void ScanChunk(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            var b = data[i];
            switch (_state)
            {
                case State.Code:
                    if (!tokens.WantsWords && !_inWord && _pending)
                    {
                        // Nothing between here and the next quote, parenthesis, comment or delimiter can matter. A
                        // statement's first word is always read: it may be DELIMITER.
                        var skip = data[i..].IndexOfAny(_codeStops);
                        if (skip < 0)
                        {
                            return;
                        }

                        i += skip;
                        b = data[i];
                    }

                    if (b == (byte)'-')
                    {
                        // A section marker is a whole line: its "--" must begin one, outside any statement.
                        _markerCandidate = (i > 0 ? data[i - 1] : _lastByte) == (byte)'\n' && !_pending && !_inExecutableComment;
                    }

                    i += Code(b) ? 1 : 0;
                    continue;
                case State.SingleQuote:
                case State.DoubleQuote:
                {
                    var single = _state == State.SingleQuote;
                    var stop = data[i..].IndexOfAny(single ? SingleQuoteStops : DoubleQuoteStops);
                    if (stop < 0)
                    {
                        return;
                    }

                    i += stop;
                    _state = data[i] == (byte)'\\'
                        ? single ? State.SingleQuoteEscape : State.DoubleQuoteEscape
                        : single ? State.SingleQuoteEnd : State.DoubleQuoteEnd;
                    break;
                }

                case State.SingleQuoteEscape:
                    _state = State.SingleQuote;
                    break;
                case State.DoubleQuoteEscape:
                    _state = State.DoubleQuote;
                    break;
                case State.SingleQuoteEnd:
                case State.DoubleQuoteEnd:
                    // A doubled quote is a quote inside the string; anything else ends it and is code.
                    if (b == (_state == State.SingleQuoteEnd ? (byte)'\'' : (byte)'"'))
                    {
                        _state = _state == State.SingleQuoteEnd ? State.SingleQuote : State.DoubleQuote;
                        break;
                    }

                    _state = State.Code;
                    _pending = true;
                    tokens.OnString();
                    continue;
                case State.Backtick:
                {
                    var stop = data[i..].IndexOf((byte)'`');
                    var run = stop < 0 ? data[i..] : data.Slice(i, stop);
                    Keep(run);
                    if (stop < 0)
                    {
                        return;
                    }

                    i += stop;
                    _state = State.BacktickEnd;
                    break;
                }

                case State.BacktickEnd:
                    if (b == (byte)'`')
                    {
                        Keep("`"u8);
                        _state = State.Backtick;
                        break;
                    }

                    _state = State.Code;
                    _pending = true;
                    tokens.OnName(_token.AsSpan(0, _tokenLength));
                    continue;
                case State.Dash:
                    _state = b == (byte)'-' ? State.DashDash : State.Code;
                    if (_state == State.Code)
                    {
                        // A lone minus is code: it makes a statement pending like any other character.
                        _pending = true;
                        continue;
                    }

                    break;
                case State.DashDash:
                    // "--" starts a comment only before white space or a control character, as in the client;
                    // "--" and its newline are a whole (empty) comment, and the next line is read as code.
                    _state = b == (byte)'\n' ? State.Code : b <= (byte)' ' ? State.LineComment : State.Code;
                    if (_state == State.Code && b != (byte)'\n')
                    {
                        _pending = true;
                        continue;
                    }

                    _commentLength = _markerCandidate && b == (byte)' ' ? 0 : -1;
                    break;
                case State.LineComment:
                {
                    var end = data[i..].IndexOf((byte)'\n');
                    KeepComment(end < 0 ? data[i..] : data.Slice(i, end));
                    if (end < 0)
                    {
                        return;
                    }

                    i += end;
                    _state = State.Code;
                    if (_commentLength >= 0 && MarkedDatabase(_comment.AsSpan(0, _commentLength)) is { } database)
                    {
                        // The section begins after the marker's newline: what precedes it ends between statements.
                        tokens.OnSection(database, i + 1);
                    }

                    _commentLength = -1;
                    break;
                }

                case State.Slash:
                    _state = b == (byte)'*' ? State.SlashStar : State.Code;
                    if (_state == State.Code)
                    {
                        _pending = true;
                        continue;
                    }

                    break;
                case State.SlashStar:
                    // "/*!50003 ..." and MariaDB's "/*M!100101 ..." are code for the server; other comments are not.
                    _state = b == (byte)'!' ? State.ExecutableVersion : b == (byte)'M' ? State.SlashStarM : State.BlockComment;
                    if (_state == State.BlockComment)
                    {
                        continue;
                    }

                    break;
                case State.SlashStarM:
                    _state = b == (byte)'!' ? State.ExecutableVersion : State.BlockComment;
                    if (_state == State.BlockComment)
                    {
                        continue;
                    }

                    break;
                case State.ExecutableVersion:
                    if (b is >= (byte)'0' and <= (byte)'9')
                    {
                        break;
                    }

                    _inExecutableComment = true;
                    _pending = true;
                    _state = State.Code;
                    continue;
                case State.BlockComment:
                {
                    var star = data[i..].IndexOf((byte)'*');
                    if (star < 0)
                    {
                        return;
                    }

                    i += star;
                    _state = State.BlockStar;
                    break;
                }

                case State.BlockStar:
                    _state = b == (byte)'/' ? State.Code : b == (byte)'*' ? State.BlockStar : State.BlockComment;
                    break;
                case State.ExecutableStar:
                    if (b == (byte)'/')
                    {
                        _inExecutableComment = false;
                        _state = State.Code;
                        break;
                    }

                    _state = State.Code;
                    continue;
                case State.Delimiter:
                    if (b == _delimiter[_delimiterMatched])
                    {
                        if (++_delimiterMatched == _delimiter.Length)
                        {
                            _state = State.Code;
                            EndStatement();
                        }

                        break;
                    }

                    // Not the delimiter after all: the bytes matched so far were punctuation that no statement we read needs.
                    _state = State.Code;
                    continue;
                case State.DelimiterLine:
                    if (b == (byte)'\n')
                    {
                        SetDelimiter();
                        _state = State.Code;
                        EndStatement();
                        break;
                    }

                    Keep([b]);
                    break;
            }

            i++;
        }
    }

    // Handles one byte in code; returns false when the byte must be looked at again in the new state.
    private bool Code(byte b)
    {
        // First, as the client does: a delimiter such as $$ ends a statement even where it could continue a word.
        if (b == _delimiter[0])
        {
            if (EndWord())
            {
                return false;
            }

            _delimiterMatched = 0;
            _state = State.Delimiter;
            return false;
        }

        if (IsWordByte(b))
        {
            if (!_inWord)
            {
                _inWord = true;
                _tokenLength = 0;
            }

            Keep([b]);
            return true;
        }

        if (EndWord())
        {
            return false;
        }

        switch (b)
        {
            case (byte)'\'':
                _state = State.SingleQuote;
                break;
            case (byte)'"':
                _state = State.DoubleQuote;
                break;
            case (byte)'`':
                _tokenLength = 0;
                _state = State.Backtick;
                break;
            case (byte)'-':
                _state = State.Dash;
                break;
            case (byte)'/':
                _state = State.Slash;
                break;
            case (byte)'#':
                _commentLength = -1;
                _state = State.LineComment;
                break;
            case (byte)'*' when _inExecutableComment:
                _state = State.ExecutableStar;
                break;
            default:
                if (b > (byte)' ')
                {
                    _pending = true;
                    tokens.OnPunctuation(b);
                }

                break;
        }

        return true;
    }

    // Hands a finished word to the statements; true when it was DELIMITER at a statement's start (the rest of the line is the new one).
    private bool EndWord()
    {
        if (!_inWord)
        {
            return false;
        }

        _inWord = false;
        if (!_pending && _tokenLength == 9 && Ascii.EqualsIgnoreCase(_token.AsSpan(0, 9), "DELIMITER"u8))
        {
            _tokenLength = 0;
            _state = State.DelimiterLine;
            return true;
        }

        _pending = true;
        tokens.OnWord(_token.AsSpan(0, _tokenLength));
        return false;
    }

    private void EndStatement()
    {
        _pending = false;
        tokens.OnStatementEnd();
    }

    // Keeps a possible marker line, giving up on one longer than any marker.
    private void KeepComment(ReadOnlySpan<byte> bytes)
    {
        if (_commentLength < 0)
        {
            return;
        }

        if (_commentLength + bytes.Length > MaxMarkerLine)
        {
            _commentLength = -1;
            return;
        }

        bytes.CopyTo(_comment.AsSpan(_commentLength));
        _commentLength += bytes.Length;
    }

    /// <summary>The database of a <c>Current Database: `name`</c> comment (a doubled backtick is one), when nothing but blanks follows the name.</summary>
    private static string? MarkedDatabase(ReadOnlySpan<byte> comment)
    {
        if (!comment.StartsWith(Marker))
        {
            return null;
        }

        var rest = comment[Marker.Length..];
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
                return name.Count > 0 && rest[(i + 1)..].IndexOfAnyExcept(" \t\r"u8) < 0 ? Encoding.UTF8.GetString([.. name]) : null;
            }
        }

        return null;
    }

    private void SetDelimiter()
    {
        var line = _token.AsSpan(0, _tokenLength).Trim(" \t\r"u8);
        var end = line.IndexOfAny(" \t"u8);
        var delimiter = end < 0 ? line : line[..end];
        if (delimiter.Length is > 0 and <= MaxDelimiter)
        {
            _delimiter = delimiter.ToArray();
            _codeStops = CodeStops(_delimiter);
        }
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        var take = Math.Min(bytes.Length, MaxToken - _tokenLength);
        bytes[..take].CopyTo(_token.AsSpan(_tokenLength));
        _tokenLength += take;
    }

    private static bool IsWordByte(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'$' or >= 0x80;

    private static SearchValues<byte> CodeStops(ReadOnlySpan<byte> delimiter) =>
        SearchValues.Create([.. "'\"`()-/#*"u8, delimiter[0]]);
}
