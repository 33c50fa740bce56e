using System.Buffers;
using System.Text;

namespace Backup.Plugins.MariaDbHa.Inventory;

/// <summary>
/// Reads a mariadb-dump stream as the <c>mariadb</c> client splits it into statements (quotes, backslash escapes,
/// doubled quotes, comments, <c>/*! ... */</c> executable comments, DELIMITER lines) and hands the tokens that matter to
/// a <see cref="DumpStatements"/>: the words and names at the head of a statement, the parentheses of an INSERT.
/// </summary>
/// <remarks>
/// Fed chunk by chunk as the dump streams through the plugin, so every state survives a chunk boundary, and memory is
/// bounded: one word or name (at most <see cref="MaxToken"/> bytes) at a time, whatever the length of a line or a value.
/// Runs that cannot change the state (inside a string, between the parentheses of an INSERT) are skipped with
/// vectorised searches: that is what keeps the scan far faster than the dump itself (see bench/inventory).
/// </remarks>
internal sealed class DumpScanner(DumpStatements statements)
{
    /// <summary>The longest word or name kept; MariaDB names are at most 64 characters (256 bytes of UTF-8), longer ones are cut.</summary>
    public const int MaxToken = 256;

    private const int MaxDelimiter = 16;

    private static readonly SearchValues<byte> SingleQuoteStops = SearchValues.Create("'\\"u8);
    private static readonly SearchValues<byte> DoubleQuoteStops = SearchValues.Create("\"\\"u8);

    private readonly byte[] _token = new byte[MaxToken];
    private byte[] _delimiter = ";"u8.ToArray();
    private SearchValues<byte> _codeStops = CodeStops(";"u8);
    private State _state = State.Code;
    private int _tokenLength;
    private bool _inWord;
    private bool _inExecutableComment;
    private int _delimiterMatched;

    private enum State
    {
        Code, SingleQuote, SingleQuoteEscape, SingleQuoteEnd, DoubleQuote, DoubleQuoteEscape, DoubleQuoteEnd, Backtick, BacktickEnd,
        Dash, DashDash, LineComment, Slash, SlashStar, SlashStarM, ExecutableVersion, BlockComment, BlockStar, ExecutableStar,
        Delimiter, DelimiterLine,
    }

    /// <summary>Scans the next bytes of the dump.</summary>
    public void Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            var b = data[i];
            switch (_state)
            {
                case State.Code:
                    if (!statements.WantsWords && !_inWord)
                    {
                        // Nothing between here and the next quote, parenthesis, comment or delimiter can matter.
                        var skip = data[i..].IndexOfAny(_codeStops);
                        if (skip < 0)
                        {
                            return;
                        }

                        i += skip;
                        b = data[i];
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
                    statements.OnString();
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
                    statements.OnName(_token.AsSpan(0, _tokenLength));
                    continue;
                case State.Dash:
                    _state = b == (byte)'-' ? State.DashDash : State.Code;
                    if (_state == State.Code)
                    {
                        continue;
                    }

                    break;
                case State.DashDash:
                    // "--" starts a comment only before white space or a control character, as in the client.
                    _state = b <= (byte)' ' ? State.LineComment : State.Code;
                    if (_state == State.Code)
                    {
                        continue;
                    }

                    break;
                case State.LineComment:
                {
                    var end = data[i..].IndexOf((byte)'\n');
                    if (end < 0)
                    {
                        return;
                    }

                    i += end;
                    _state = State.Code;
                    break;
                }

                case State.Slash:
                    _state = b == (byte)'*' ? State.SlashStar : State.Code;
                    if (_state == State.Code)
                    {
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
                            statements.OnStatementEnd();
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
                        statements.OnStatementEnd();
                        break;
                    }

                    Keep([b]);
                    break;
            }

            i++;
        }
    }

    /// <summary>Ends the dump: a statement without its delimiter still counts (the client runs it too).</summary>
    public void Complete()
    {
        EndWord();
        statements.OnStatementEnd();
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
                _state = State.LineComment;
                break;
            case (byte)'*' when _inExecutableComment:
                _state = State.ExecutableStar;
                break;
            default:
                if (b > (byte)' ')
                {
                    statements.OnPunctuation(b);
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
        if (statements.AtStart && _tokenLength == 9 && Ascii.EqualsIgnoreCase(_token.AsSpan(0, 9), "DELIMITER"u8))
        {
            _tokenLength = 0;
            _state = State.DelimiterLine;
            return true;
        }

        statements.OnWord(_token.AsSpan(0, _tokenLength));
        return false;
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
