namespace Backup.Plugins.MariaDbHa.Dump;

/// <summary>What a <see cref="DumpScanner"/> hands on as it reads a dump; a reader implements the calls it needs.</summary>
internal interface IDumpTokens
{
    /// <summary>Whether the current statement's words matter (the scanner skips them otherwise).</summary>
    bool WantsWords => false;

    /// <summary>An unquoted word (keyword, number or name).</summary>
    void OnWord(ReadOnlySpan<byte> word)
    {
    }

    /// <summary>A quoted name (<c>`...`</c>, doubled backticks already undone).</summary>
    void OnName(ReadOnlySpan<byte> name)
    {
    }

    /// <summary>A string literal (its content is never looked at).</summary>
    void OnString()
    {
    }

    /// <summary>Any other character of code outside strings, names and comments.</summary>
    void OnPunctuation(byte c)
    {
    }

    /// <summary>The statement ended at its delimiter (or the dump ended).</summary>
    void OnStatementEnd()
    {
    }

    /// <summary>A <c>-- Current Database: `name`</c> line between statements: the bytes from <paramref name="offset"/> of the scanned chunk on belong to <paramref name="database"/>'s section.</summary>
    void OnSection(string database, int offset)
    {
    }
}
