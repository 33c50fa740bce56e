using Backup.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Backup.Host.Spec;

/// <summary>A YAML parser that refuses anchors, aliases and deep nesting event by event, before YamlDotNet's node model builds anything from them.</summary>
/// <remarks>
/// The node model shares an aliased node and the spec walk expands it: 870 bytes of nine levels of ten aliases
/// ("billion laughs") cost 15 GB and 86 s. The model also recurses once per nesting level, so 30,000 nested
/// <c>{a: </c> overflowed the stack and killed the process. The model pulls every event through this parser, so
/// the first offending event stops the load; what is left is bounded by the file's size (<see cref="SpecFile.MaxBytes"/>).
/// A spec has no use for anchors: every value is written out, and <c>${VAR}</c> covers repetition across specs.
/// </remarks>
/// <param name="inner">The parser reading the spec's text.</param>
/// <param name="at">Formats a position as <c>file:line:col</c>.</param>
internal sealed class GuardedYamlParser(IParser inner, Func<Mark, string> at) : IParser
{
    /// <summary>The deepest nesting of mappings and sequences a spec may use; a real spec uses five.</summary>
    public const int MaxDepth = 32;

    private int _depth;

    /// <inheritdoc />
    public ParsingEvent? Current => inner.Current;

    /// <inheritdoc />
    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case AnchorAlias alias:
                throw Refuse(alias.Start, $"alias *{alias.Value} is not allowed: a spec may not use YAML anchors (&) and aliases (*); write the value out");
            case NodeEvent { Anchor.IsEmpty: false } node:
                throw Refuse(node.Start, $"anchor &{node.Anchor} is not allowed: a spec may not use YAML anchors (&) and aliases (*); write the value out");
            case MappingStart or SequenceStart when ++_depth > MaxDepth:
                throw Refuse(inner.Current.Start, $"the spec nests mappings and lists more than {MaxDepth} levels deep");
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }

        return true;
    }

    private BackupSettingsException Refuse(Mark mark, string message) => new($"{at(mark)}: {message}");
}
