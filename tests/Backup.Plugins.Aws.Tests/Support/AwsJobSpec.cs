namespace Backup.Plugins.Aws.Tests.Support;

/// <summary>Writes job specs with <c>storage: {plugin: aws}</c> into a test's temp dir.</summary>
internal static class AwsJobSpec
{
    /// <summary>A spec for <paramref name="source"/> (a YAML block, indented by 2) into the bucket described by <paramref name="storage"/>; <paramref name="name"/> is its <c>artifact.name</c>, when given.</summary>
    public static string Write(
        string directory, string prefix, IReadOnlyDictionary<string, object> storage, string source = "plugin: fake\n  settings:\n    entries: 2\n    bytes: 100000", string? name = null)
    {
        var settings = string.Join("\n", storage.Select(kv => $"    {kv.Key}: '{kv.Value}'"));
        var path = Path.Combine(directory, "job.yaml");
        File.WriteAllText(path, $"""
            name: aws-e2e
            source:
              {source}
            storage:
              plugin: aws
              settings:
            {settings}
            artifact:
              prefix: {prefix}
              name: '{name ?? "{job}-{timestamp}-{unique}"}'
            tempDirectory: {Path.Combine(directory, "tmp")}

            """);
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        return path;
    }

    /// <summary>The user-facing error lines; everything else on stderr is the log.</summary>
    public static List<string> ErrorLines(string standardError) =>
        standardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
}
