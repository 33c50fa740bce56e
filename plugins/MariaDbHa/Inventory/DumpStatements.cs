using System.Text;
using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Dump;

namespace Backup.Plugins.MariaDbHa.Inventory;

/// <summary>
/// Reads the statements a <see cref="DumpScanner"/> finds: notes the schema of each <c>USE</c>, the objects of each
/// <c>CREATE TABLE | VIEW | PROCEDURE | FUNCTION | TRIGGER | EVENT</c>, and counts the rows of each
/// <c>INSERT [IGNORE] | REPLACE INTO t [(columns)] VALUES (...),(...)</c>; everything else is skipped unread.
/// </summary>
/// <remarks>
/// Memory is bounded by <see cref="ContentInventory.MaxItems"/>: a dump with more objects gives no inventory rather than
/// an unbounded one. Objects of the system schemas are not recorded (a restore does not own them).
/// </remarks>
internal sealed class DumpStatements : IDumpTokens
{
    // How many tokens may precede the keyword a statement is recognised by: "CREATE DEFINER=`u`@`h` SQL SECURITY DEFINER VIEW"
    // needs 9, "INSERT LOW_PRIORITY IGNORE INTO" 3.
    private const int MaxHeadTokens = 32;

    private readonly Dictionary<(string Schema, string Kind, string Name), long?> _items = [];
    private readonly HashSet<string> _createdSchemas = new(StringComparer.Ordinal);
    private bool _schemasOverflowed;
    private Mode _mode = Mode.Start;
    private string _schema = "";
    private string? _kind;
    private string? _part1;
    private string? _part2;
    private bool _afterDot;
    private int _tokens;
    private int _depth;
    private long _rows;
    private (string Schema, string Kind, string Name)? _insertInto;

    private enum Mode
    {
        Start, Ignore, Use, CreateSeek, CreateName, InsertSeekInto, InsertName, InsertSeekValues, Values,
    }

    /// <summary>Whether the statement's words still matter (the scanner may skip them otherwise).</summary>
    public bool WantsWords => _mode is not (Mode.Ignore or Mode.Values);

    /// <summary>Whether the dump held more than <see cref="ContentInventory.MaxItems"/> objects, so there is no inventory.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>
    /// The first schema a <c>USE</c> names that no earlier <c>CREATE DATABASE</c> of a dump that creates its databases
    /// created, or null: such a dump does not load (ERROR 1049 at that USE).
    /// </summary>
    /// <remarks>
    /// mariadb-dump writes it when a database is created while it runs: <c>--all-databases</c> lists the databases
    /// once for the tables and again for the views, and the second pass writes <c>USE</c> for a database the first did
    /// not see. A dump without any CREATE DATABASE (<c>--no-create-db</c> in extraArgs) loads into existing databases
    /// by design and is not checked.
    /// </remarks>
    public string? UncreatedSchema { get; private set; }

    /// <summary>The inventory so far, sorted by schema, kind and name; null after an overflow.</summary>
    public ContentInventory? Inventory => Overflowed
        ? null
        : new ContentInventory([.. _items
            .OrderBy(i => i.Key.Schema, StringComparer.Ordinal).ThenBy(i => i.Key.Kind, StringComparer.Ordinal).ThenBy(i => i.Key.Name, StringComparer.Ordinal)
            .Select(i => new InventoryItem(i.Key.Schema, i.Key.Kind, i.Key.Name, i.Value))]);

    /// <summary>An unquoted word (keyword, number or name).</summary>
    public void OnWord(ReadOnlySpan<byte> word)
    {
        _tokens++;
        if (ReadsName)
        {
            if (_mode == Mode.CreateName && _part1 is null && (Is(word, "IF"u8) || Is(word, "NOT"u8) || Is(word, "EXISTS"u8)))
            {
                return;
            }

            if (_part1 is null || _afterDot)
            {
                AddPart(word);
                return;
            }

            // The word after a name ends it, and is read in the mode that follows (VALUES after INSERT INTO t).
            EndName();
        }

        switch (_mode)
        {
            case Mode.Start:
                _mode = Is(word, "CREATE"u8) ? Mode.CreateSeek
                    : Is(word, "INSERT"u8) || Is(word, "REPLACE"u8) ? Mode.InsertSeekInto
                    : Is(word, "USE"u8) ? Mode.Use
                    : Mode.Ignore;
                break;
            case Mode.CreateSeek:
                _kind = Kind(word);
                _mode = _kind is not null ? Mode.CreateName : _tokens > MaxHeadTokens || !IsCreateModifier(word) ? Mode.Ignore : Mode.CreateSeek;
                break;
            case Mode.InsertSeekInto:
                _mode = Is(word, "INTO"u8) ? Mode.InsertName : _tokens > MaxHeadTokens ? Mode.Ignore : Mode.InsertSeekInto;
                break;
            case Mode.InsertSeekValues when _depth == 0 && (Is(word, "VALUES"u8) || Is(word, "VALUE"u8)):
                _mode = Mode.Values;
                break;
        }
    }

    /// <summary>A quoted name (<c>`...`</c>, doubled backticks already undone).</summary>
    public void OnName(ReadOnlySpan<byte> name)
    {
        if (ReadsName && (_part1 is null || _afterDot))
        {
            AddPart(name);
            return;
        }

        OnOther();
    }

    /// <summary>A string literal (its content is never looked at).</summary>
    public void OnString() => OnOther();

    /// <summary>Any other character of code outside strings, names and comments.</summary>
    public void OnPunctuation(byte c)
    {
        if (_mode == Mode.Values)
        {
            // Each parenthesis opened at the top level of VALUES is one row; parentheses inside a row are nested.
            if (c == (byte)'(')
            {
                _rows += _depth++ == 0 ? 1 : 0;
            }
            else if (c == (byte)')' && _depth > 0)
            {
                _depth--;
            }

            return;
        }

        if (c == (byte)'.' && _part1 is not null && _part2 is null && _mode is Mode.CreateName or Mode.InsertName && !_afterDot)
        {
            _afterDot = true;
            return;
        }

        OnOther();
        if (_mode == Mode.InsertSeekValues)
        {
            _depth += c == (byte)'(' ? 1 : c == (byte)')' && _depth > 0 ? -1 : 0;
        }
    }

    /// <summary>The statement ended at its delimiter (or the dump ended).</summary>
    public void OnStatementEnd()
    {
        OnOther();
        if (_insertInto is { } table && _rows > 0)
        {
            _items[table] = (_items.GetValueOrDefault(table) ?? 0) + _rows;
        }

        (_mode, _kind, _part1, _part2, _afterDot, _tokens, _depth, _rows, _insertInto) = (Mode.Start, null, null, null, false, 0, 0, 0, null);
    }

    private bool ReadsName => _mode is Mode.Use or Mode.CreateName or Mode.InsertName;

    private void AddPart(ReadOnlySpan<byte> name)
    {
        if (_part1 is null)
        {
            _part1 = Encoding.UTF8.GetString(name);
        }
        else
        {
            _part2 = Encoding.UTF8.GetString(name);
            _afterDot = false;
        }
    }

    // A token that is not part of a name: ends the name being read, and any statement still being recognised.
    private void OnOther()
    {
        _tokens++;
        if (_part1 is not null && _mode is Mode.Use or Mode.CreateName or Mode.InsertName)
        {
            EndName();
        }
        else if (_mode is Mode.Start or Mode.Use or Mode.CreateName or Mode.InsertName || _tokens > MaxHeadTokens && _mode is Mode.CreateSeek or Mode.InsertSeekInto)
        {
            _mode = Mode.Ignore;
        }
    }

    private void EndName()
    {
        var (schema, name) = _part2 is null ? (_schema, _part1!) : (_part1!, _part2);
        switch (_mode)
        {
            case Mode.Use:
                _schema = _part1!;
                if (UncreatedSchema is null && !_schemasOverflowed && _createdSchemas.Count > 0 && !_createdSchemas.Contains(_schema))
                {
                    UncreatedSchema = _schema;
                }

                _mode = Mode.Ignore;
                break;
            case Mode.CreateName:
                if (_kind == "database")
                {
                    NoteCreated(name);
                }
                else
                {
                    Add((schema, _kind!, name), _kind == "table" ? 0 : null);
                }

                _mode = Mode.Ignore;
                break;
            case Mode.InsertName:
                _insertInto = (schema, "table", name);
                Add(_insertInto.Value, 0);
                _mode = Mode.InsertSeekValues;
                break;
        }

        (_part1, _part2, _afterDot) = (null, null, false);
    }

    // Bounded like the inventory: past MaxItems databases the check is given up, not the memory.
    private void NoteCreated(string schema)
    {
        if (_schemasOverflowed || _createdSchemas.Contains(schema))
        {
            return;
        }

        if (_createdSchemas.Count >= ContentInventory.MaxItems)
        {
            _schemasOverflowed = true;
            _createdSchemas.Clear();
            return;
        }

        _createdSchemas.Add(schema);
    }

    private void Add((string Schema, string Kind, string Name) key, long? rows)
    {
        if (SystemSchemas.Contains(key.Schema) || Overflowed)
        {
            if (key == _insertInto)
            {
                _insertInto = null;
            }

            return;
        }

        // Older dumps stand a view in with a table of the same name until its final definition.
        if (key.Kind == "view")
        {
            _items.Remove((key.Schema, "table", key.Name));
        }

        if (_items.ContainsKey(key))
        {
            return;
        }

        if (_items.Count >= ContentInventory.MaxItems)
        {
            Overflowed = true;
            _items.Clear();
            _insertInto = null;
            return;
        }

        _items[key] = rows;
    }

    private static string? Kind(ReadOnlySpan<byte> word) =>
        Is(word, "TABLE"u8) ? "table"
        : Is(word, "VIEW"u8) ? "view"
        : Is(word, "PROCEDURE"u8) ? "procedure"
        : Is(word, "FUNCTION"u8) ? "function"
        : Is(word, "TRIGGER"u8) ? "trigger"
        : Is(word, "EVENT"u8) ? "event"
        : Is(word, "DATABASE"u8) || Is(word, "SCHEMA"u8) ? "database"
        : null;

    // The words mariadb-dump writes between CREATE and the kind (CREATE SEQUENCE, CREATE USER ... stop the search there).
    private static bool IsCreateModifier(ReadOnlySpan<byte> word)
    {
        foreach (var modifier in CreateModifiers)
        {
            if (Is(word, modifier))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly byte[][] CreateModifiers =
        [.. new[] { "OR", "REPLACE", "ALGORITHM", "UNDEFINED", "MERGE", "TEMPTABLE", "DEFINER", "CURRENT_USER", "SQL", "SECURITY", "INVOKER", "AGGREGATE" }
            .Select(Encoding.ASCII.GetBytes)];

    private static bool Is(ReadOnlySpan<byte> word, ReadOnlySpan<byte> keyword) => Ascii.EqualsIgnoreCase(word, keyword);
}
