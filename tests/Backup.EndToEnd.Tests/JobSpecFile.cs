namespace Backup.EndToEnd.Tests;

/// <summary>Writes job specs for the fake source and local storage into a test's temp dir.</summary>
internal static class JobSpecFile
{
    /// <summary>A spec for <c>fake</c> -> <c>local</c>; <paramref name="sourceSettings"/> and <paramref name="storagePath"/> are YAML fragments.</summary>
    /// <remarks>The temp directory is <c>tmp</c> in <paramref name="directory"/> unless <paramref name="tempDirectory"/> names another (runs that share one).</remarks>
    public static string Write(string directory, string storagePath, string sourceSettings = "entries: 2", string extra = "", string? tempDirectory = null, string name = "e2e", string fileName = "job.yaml")
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, $"""
            name: {name}
            source:
              plugin: fake
              settings:
                {sourceSettings}
            storage:
              plugin: local
              settings:
                path: {storagePath}
            artifact:
              prefix: mariadb-ha-backup
            tempDirectory: {tempDirectory ?? Path.Combine(directory, "tmp")}
            {extra}
            """);
        return path;
    }
}
