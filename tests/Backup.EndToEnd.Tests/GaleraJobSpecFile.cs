using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>Writes the job spec of the point-in-time recovery specs: mariadb-ha on the test Galera cluster (galera-safe, galera2 preferred) -> local storage.</summary>
internal static class GaleraJobSpecFile
{
    /// <summary>Writes <paramref name="file"/> (<c>job.yaml</c>) in <paramref name="directory"/>, storing under <paramref name="storagePath"/>/<paramref name="prefix"/>; <paramref name="extra"/> is a top-level YAML fragment.</summary>
    public static string Write(string directory, GaleraCluster cluster, string job, string storagePath, string prefix, string extra = "", string file = "job.yaml")
    {
        var path = Path.Combine(directory, file);
        File.WriteAllText(path, $"""
            name: {job}
            source:
              plugin: mariadb-ha
              settings:
                hosts: [{string.Join(", ", cluster.Hosts)}]
                prefer: [galera2]
                layout: galera-safe
                password:
                  env: {TestServers.MariaDbPasswordVariable}
            storage:
              plugin: local
              settings:
                path: {storagePath}
            artifact:
              prefix: {prefix}
            tempDirectory: {Path.Combine(directory, "tmp")}
            {extra}
            """);
        return path;
    }
}
