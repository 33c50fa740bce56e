using System.Text.Json;
using Backup.Testing;

namespace Backup.Deploy.Tests.Support;

/// <summary>The repository's Dockerfile, read into instructions so tests can hold the manifests to what the image does.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<(string Instruction, string Arguments)> instructions)
    {
        Instructions = instructions;
    }

    /// <summary>Every instruction in order: keyword (upper case) and its arguments, continuation lines joined.</summary>
    public IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; }

    /// <summary>The instructions of the last stage: what the shipped image is made of.</summary>
    public IReadOnlyList<(string Instruction, string Arguments)> RuntimeStage =>
        Instructions.Skip(Instructions.Select((item, index) => (item, index)).Last(x => x.item.Instruction == "FROM").index).ToList();

    /// <summary>The ARG defaults declared before the first FROM, which FROM lines may use.</summary>
    public IReadOnlyDictionary<string, string> GlobalArguments =>
        Instructions.TakeWhile(i => i.Instruction != "FROM").Where(i => i.Instruction == "ARG")
            .Select(i => i.Arguments.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);

    /// <summary>The instructions of the stage named <paramref name="name"/> (<c>FROM ... AS name</c>), its FROM first.</summary>
    public IReadOnlyList<(string Instruction, string Arguments)> Stage(string name)
    {
        var start = Instructions.ToList().FindIndex(i => i.Instruction == "FROM" && i.Arguments.EndsWith(" AS " + name, StringComparison.OrdinalIgnoreCase));
        if (start < 0)
        {
            throw new InvalidOperationException($"the Dockerfile has no stage '{name}'");
        }

        return [Instructions[start], .. Instructions.Skip(start + 1).TakeWhile(i => i.Instruction != "FROM")];
    }

    /// <summary>The image the runtime stage starts from, with a global ARG default substituted.</summary>
    public string RuntimeBase => Substitute(Single("FROM").Split(' ')[0]);

    /// <summary>The runtime stage's ENV variables.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        RuntimeStage.Where(i => i.Instruction == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);

    /// <summary>The runtime stage's ENTRYPOINT followed by its CMD: the command line the container runs by default.</summary>
    public IReadOnlyList<string> DefaultCommandLine => [.. Exec("ENTRYPOINT"), .. Exec("CMD")];

    /// <summary>The runtime stage's USER, e.g. <c>10001:10001</c>.</summary>
    public string User => Single("USER");

    /// <summary>Reads the Dockerfile at the repository root.</summary>
    public static Dockerfile Load()
    {
        var instructions = new List<(string, string)>();
        var current = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            current += " " + line.TrimEnd('\\').Trim();
            if (!line.EndsWith('\\'))
            {
                var parts = current.Trim().Split(' ', 2);
                instructions.Add((parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : ""));
                current = "";
            }
        }

        return new Dockerfile(instructions);
    }

    /// <summary>The arguments of the runtime stage's only <paramref name="instruction"/>.</summary>
    public string Single(string instruction) => RuntimeStage.Single(i => i.Instruction == instruction).Arguments;

    private string Substitute(string text) =>
        GlobalArguments.Aggregate(text, (current, argument) => current.Replace("${" + argument.Key + "}", argument.Value, StringComparison.Ordinal));

    // The exec (JSON array) form: the shell form would run under /bin/sh, which does not forward SIGTERM.
    private string[] Exec(string instruction) => JsonSerializer.Deserialize<string[]>(Single(instruction))!;
}
