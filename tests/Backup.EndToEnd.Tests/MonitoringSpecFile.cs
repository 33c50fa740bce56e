namespace Backup.EndToEnd.Tests;

/// <summary>Job specs for the monitoring specs: <see cref="JobSpecFile"/>'s fake -> local job under a unique name, with retention and the given monitoring sections.</summary>
internal static class MonitoringSpecFile
{
    /// <summary>Writes <paramref name="fileName"/> in <paramref name="directory"/>; <paramref name="sourceSettings"/> and <paramref name="monitoring"/> are YAML fragments (monitoring at top level).</summary>
    public static string Write(string directory, string job, string monitoring, string sourceSettings = "entries: 2\n    bytes: 100000", string? storagePath = null, string fileName = "job.yaml") =>
        JobSpecFile.Write(directory, storagePath ?? Path.Combine(directory, "store"), sourceSettings, $"retention:\n  keepLast: 5\n{monitoring}", name: job, fileName: fileName);
}
