using CliWrap.Buffered;

namespace Backup.EndToEnd.Tests;

/// <summary>Reading the host's output the way a user (or a CronJob's log) does.</summary>
internal static class HostResults
{
    /// <summary>The <c>error: </c> lines on stderr: a failure must be exactly one of them per problem.</summary>
    public static List<string> ErrorLines(this BufferedCommandResult result) =>
        result.StandardError.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
}
