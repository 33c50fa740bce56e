using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Sdk.Tests.Support;

/// <summary>Runs the <c>dotnet</c> CLI the way a plugin author does, failing with its output when it fails.</summary>
internal static class DotNet
{
    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/> and returns how long it took.</summary>
    public static async Task<TimeSpan> RunAsync(string workingDirectory, params string[] arguments)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await TryRunAsync(workingDirectory, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        }

        return stopwatch.Elapsed;
    }

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/> and returns its exit code and output, failed or not.</summary>
    public static async Task<BufferedCommandResult> TryRunAsync(string workingDirectory, params string[] arguments) =>
        // No build servers: a test must not leave MSBuild or compiler server processes running after it.
        await Cli.Wrap("dotnet")
            .WithArguments([.. arguments, "--nologo", "--disable-build-servers", "-v", "q"])
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                ["MSBUILDDISABLENODEREUSE"] = "1",
            })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
}
