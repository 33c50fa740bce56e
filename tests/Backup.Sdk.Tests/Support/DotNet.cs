using System.Diagnostics;
using System.Xml.Linq;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Sdk.Tests.Support;

/// <summary>Runs the <c>dotnet</c> CLI (and the repository's scripts) the way a plugin author does, failing with its output when it fails.</summary>
internal static class DotNet
{
    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> (a build command) in <paramref name="workingDirectory"/> and returns how long it took.</summary>
    /// <remarks>No build servers: a test must not leave MSBuild or compiler server processes running after it.</remarks>
    public static Task<TimeSpan> RunAsync(string workingDirectory, params string[] arguments) =>
        ExecuteAsync("dotnet", workingDirectory, BuildArguments(arguments));

    /// <summary>Runs <c>dotnet test <paramref name="project"/></c> and returns the counts of its TRX report (a run of no test is visible as Total 0).</summary>
    public static async Task<(int Total, int Passed, int Failed)> TestAsync(string workingDirectory, string project, params string[] arguments)
    {
        var results = Path.Combine(workingDirectory, "TestResults");
        await RunAsync(workingDirectory, ["test", project, "--logger", "trx;LogFileName=tests.trx", "--results-directory", results, .. arguments]);
        var counters = XDocument.Load(Path.Combine(results, "tests.trx")).Descendants().Single(e => e.Name.LocalName == "Counters");
        int Count(string name) => int.Parse(counters.Attribute(name)!.Value);
        return (Count("total"), Count("passed"), Count("failed"));
    }

    /// <summary>Runs <c>dotnet new <paramref name="arguments"/></c> against the template store in <paramref name="hive"/>, never the user's.</summary>
    public static Task<TimeSpan> NewAsync(string workingDirectory, string hive, params string[] arguments) =>
        ExecuteAsync("dotnet", workingDirectory, ["new", .. arguments, "--debug:custom-hive", hive]);

    /// <summary>Runs <c>bash <paramref name="script"/></c> (a path under the repository) with <paramref name="arguments"/>.</summary>
    public static Task<TimeSpan> ScriptAsync(string script, params string[] arguments) =>
        ExecuteAsync("bash", RepositoryPaths.Root, [Path.Combine(RepositoryPaths.Root, script), .. arguments]);

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> (a build command) in <paramref name="workingDirectory"/> and returns its exit code and output, failed or not.</summary>
    public static Task<BufferedCommandResult> TryRunAsync(string workingDirectory, params string[] arguments) =>
        TryExecuteAsync("dotnet", workingDirectory, BuildArguments(arguments));

    private static string[] BuildArguments(string[] arguments) => [.. arguments, "--nologo", "--disable-build-servers", "-v", "q"];

    private static async Task<TimeSpan> ExecuteAsync(string program, string workingDirectory, string[] arguments)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await TryExecuteAsync(program, workingDirectory, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        }

        return stopwatch.Elapsed;
    }

    private static Task<BufferedCommandResult> TryExecuteAsync(string program, string workingDirectory, string[] arguments) =>
        Cli.Wrap(program)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                ["MSBUILDDISABLENODEREUSE"] = "1",
            })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync()
            .Task;
}
