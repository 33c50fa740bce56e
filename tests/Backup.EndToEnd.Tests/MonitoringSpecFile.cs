namespace Backup.EndToEnd.Tests;

/// <summary>Writes a job spec for <c>fake</c> -> <c>local</c> with a unique job name and the given monitoring sections.</summary>
internal static class MonitoringSpecFile
{
    /// <summary>Writes <paramref name="fileName"/> in <paramref name="directory"/>; <paramref name="sourceSettings"/> and <paramref name="monitoring"/> are YAML fragments (monitoring at top level).</summary>
    public static string Write(string directory, string job, string monitoring, string sourceSettings = "entries: 2\n    bytes: 100000", string? storagePath = null, string fileName = "job.yaml")
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, $"""
            name: {job}
            source:
              plugin: fake
              settings:
                {sourceSettings}
            storage:
              plugin: local
              settings:
                path: {storagePath ?? Path.Combine(directory, "store")}
            tempDirectory: {Path.Combine(directory, "tmp")}
            retention:
              keepLast: 5
            {monitoring}
            """);
        return path;
    }
}
