using Backup.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Backup.Host.Spec;

/// <summary>Reading the YAML itself: guarded against hostile structure, each syntax error placed where it is.</summary>
internal sealed partial class SpecLoader
{
    private YamlMappingNode LoadRoot(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new GuardedYamlParser(new Parser(new StringReader(text)), At));
        }
        catch (YamlException ex)
        {
            throw new BackupSettingsException($"{At(PlaceOf(ex, text))}: invalid YAML: {OneLine(ex.Message)}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new BackupSettingsException($"{_file}: the spec must be one YAML mapping with the keys {string.Join(", ", TopLevelKeys)}");
        }

        return root;
    }

    // YamlDotNet places a tab used as indentation at the start of the enclosing mapping (1:1 for the top level)
    // or at the value before it; the user needs the line holding the tab.
    private static Mark PlaceOf(YamlException exception, string text)
    {
        if (!exception.Message.Contains(" tab ", StringComparison.Ordinal))
        {
            return exception.Start;
        }

        var lines = text.Split('\n');
        for (var line = (int)Math.Max(exception.Start.Line, 1) - 1; line < lines.Length; line++)
        {
            var indentation = lines[line].Length - lines[line].TrimStart(' ', '\t').Length;
            if (lines[line].IndexOf('\t', 0, indentation) is var tab and >= 0)
            {
                return new Mark(0, line + 1, tab + 1);
            }
        }

        return exception.Start;
    }
}
