using System.CommandLine;
using System.Runtime.InteropServices;

namespace Backup.Host.Cli;

/// <summary>The <c>backup</c> command line: <c>run</c>, <c>validate</c>, <c>plugins</c>, <c>list</c>, <c>verify</c>, <c>restore</c>, <c>prune</c>.</summary>
internal static class BackupCommandLine
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("Backs up a database with a source plugin into a storage plugin, as described by a YAML job spec.");
        options.AddTo(root);
        root.Subcommands.Add(RunCommand.Create(options, output, error));
        root.Subcommands.Add(ValidateCommand.Create(options, output, error));
        root.Subcommands.Add(PluginsCommand.Create(options, output, error));
        root.Subcommands.Add(ListCommand.Create(options, output, error));
        root.Subcommands.Add(VerifyCommand.Create(options, output, error));
        root.Subcommands.Add(RestoreCommand.Create(options, output, error));
        root.Subcommands.Add(PruneCommand.Create(options, output, error));

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                error.WriteLine($"error: {parseError.Message} (see 'backup --help')");
            }

            return ExitCodes.InvalidInput;
        }

        // SIGINT/SIGTERM cancel the run; the pipeline's finally blocks then remove temp files before we exit.
        using var cancellation = new CancellationTokenSource();
        var exitOnSignal = ExitCodes.Success;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel(cancellation, () => exitOnSignal = ExitCodes.Interrupted));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel(cancellation, () => exitOnSignal = ExitCodes.Terminated));

        var exitCode = await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error }, cancellation.Token);
        return cancellation.IsCancellationRequested && exitOnSignal != ExitCodes.Success ? exitOnSignal : exitCode;
    }

    private static Action<PosixSignalContext> Cancel(CancellationTokenSource cancellation, Action record) =>
        context =>
        {
            context.Cancel = true;
            record();
            cancellation.Cancel();
        };
}
