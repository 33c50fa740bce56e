using System.Text;

namespace Backup.Host.Tests.Support;

/// <summary>A spec written to hurt the host or to pass validation and fail later, with the one error line it must produce.</summary>
/// <remarks>
/// Every case is otherwise a valid <c>mariadb-ha</c> -> <c>local</c> job, so the only problem is the hostile part;
/// the storage path and the password come from <see cref="Environment"/>, so the same text serves the in-process
/// <c>SpecLoader</c> and the published host.
/// </remarks>
/// <param name="Name">The case's name, for test output.</param>
/// <param name="Yaml">The spec's text (<c>job.yaml</c>).</param>
/// <param name="Expected">The start of the one problem line: <c>job.yaml:line:col: ...</c>.</param>
/// <param name="KeyOrName">Whether the case is about a name, prefix or directory a run would use, which <c>run</c> must also refuse before any I/O.</param>
public sealed record HostileSpec(string Name, string Yaml, string Expected, bool KeyOrName = false)
{
    /// <summary>The file name every case is written to and named by in its messages.</summary>
    public const string FileName = "job.yaml";

    /// <summary>The variables the specs reference: the password's variable and the local storage's directory.</summary>
    public static IReadOnlyDictionary<string, string> Environment(string storageDirectory) =>
        new Dictionary<string, string> { ["HOSTILE_PW"] = "not-a-secret", ["HOSTILE_STORE"] = storageDirectory };

    /// <summary>The valid job every case starts from.</summary>
    public static string Valid { get; } = Spec();

    /// <summary>Every case.</summary>
    public static IReadOnlyList<HostileSpec> All { get; } =
    [
        // Nine levels of ten aliases: 870 bytes that expanded to 10^9 nodes (15 GB, 86 s). Five levels keep the
        // test cheap on the old code while showing the same flaw; the full size is in bench/hostile-inputs.sh.
        new("billion laughs", Spec(settings: BillionLaughs(5)), "job.yaml:8:16: anchor &l0 is not allowed"),
        new("aliased sequence", Spec(settings: "    extraArgs: &bad [{a: 1}]\n    prefer: [*bad, *bad, *bad, *bad, *bad, *bad, *bad, *bad, *bad, *bad]\n"),
            "job.yaml:8:16: anchor &bad is not allowed"),
        new("alias of a scalar", Spec(settings: "    user: &u root\n    avoid: [*u]\n"), "job.yaml:8:11: anchor &u is not allowed"),
        new("deep nesting", Spec(settings: "    deep: " + string.Concat(Enumerable.Repeat("{a: ", 30_000)) + "1" + new string('}', 30_000) + "\n"),
            "job.yaml:8:"),
        new("non-scalar key in settings", Spec(settings: "    ? [a, b]\n    : 1\n"), "job.yaml:8:7: source.settings has a key that is not a plain name"),
        new("tab indenting a key", Spec(settings: "\tuser: root\n"), "job.yaml:8:1: invalid YAML: "),
        new("tab as indentation", Spec(settings: "    user: root\n\tavoid: []\n"), "job.yaml:9:1: invalid YAML: "),
        new("nested variable reference", Spec(settings: "    user: '${A${B}}'\n"), "job.yaml:8:11: source.settings.user: '${A${B}' is not a valid reference"),
        new("unterminated variable reference", Spec(settings: "    user: 'root${USER'\n"), "job.yaml:8:11: source.settings.user: '${USER' is not a valid reference"),
        new("300-character job name", Spec(name: new string('n', 300)), "job.yaml:1:7: name is 300 characters long", KeyOrName: true),
        new("NUL in the prefix", Spec(tail: "artifact: {prefix: \"backups/a\\0b\"}\n"), "job.yaml:11:20: artifact.prefix", KeyOrName: true),
        new("newline in the prefix", Spec(tail: "artifact: {prefix: \"backups\\nOK 1 2 3\"}\n"), "job.yaml:11:20: artifact.prefix", KeyOrName: true),
        new("backslash in the prefix", Spec(tail: "artifact: {prefix: 'backups\\daily'}\n"), "job.yaml:11:20: artifact.prefix", KeyOrName: true),
        new("empty prefix segment", Spec(tail: "artifact: {prefix: 'backups//daily'}\n"), "job.yaml:11:20: artifact.prefix", KeyOrName: true),
        new("prefix segment over 255 bytes", Spec(tail: $"artifact: {{prefix: {new string('p', 256)}}}\n"), "job.yaml:11:20: artifact.prefix", KeyOrName: true),
        new("prefix over the key limit", Spec(tail: $"artifact: {{prefix: {string.Join('/', Enumerable.Repeat(new string('p', 200), 5))}}}\n"),
            "job.yaml:11:20: artifact.prefix", KeyOrName: true),
        new("name template over the file name limit", Spec(tail: $"artifact: {{name: '{{job}}-{{timestamp}}-{new string('x', 180)}'}}\n"),
            "job.yaml:11:18: artifact.name", KeyOrName: true),
        new("NUL in the temp directory", Spec(tail: "tempDirectory: \"/tmp/a\\0b\"\n"), "job.yaml:11:16: tempDirectory", KeyOrName: true),
    ];

    /// <summary>The cases' names, for a theory.</summary>
    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    /// <summary>The names of the cases about a name, prefix or directory a run would use.</summary>
    public static TheoryData<string> KeyOrNameNames => [.. All.Where(c => c.KeyOrName).Select(c => c.Name)];

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static HostileSpec Named(string name) => All.Single(c => c.Name == name);

    /// <inheritdoc />
    public override string ToString() => Name;

    // Lines 1-7 are fixed, so every case's line numbers are known; settings start on line 8.
    private static string Spec(string name = "hostile", string settings = "", string tail = "") =>
        $"name: {name}\nsource:\n  plugin: mariadb-ha\n  settings:\n    host: 127.0.0.1\n    port: 1\n    password: {{env: HOSTILE_PW}}\n"
        + settings
        + "storage:\n  plugin: local\n  settings: {path: '${HOSTILE_STORE}'}\n"
        + tail;

    // Mappings, not lists: the settings walk followed every alias into a mapping, so each level multiplied the work by ten.
    private static string BillionLaughs(int levels)
    {
        var text = new StringBuilder("    extraArgs: &l0 {a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol, i: lol, j: lol}\n");
        for (var level = 1; level < levels; level++)
        {
            text.Append($"    l{level}: &l{level} {{{string.Join(", ", "abcdefghij".Select(key => $"{key}: *l{level - 1}"))}}}\n");
        }

        return text.ToString();
    }
}
