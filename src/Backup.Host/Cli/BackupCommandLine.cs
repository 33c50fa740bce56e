using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Backup.Host.Cli;

/// <summary>The <c>backup</c> command line: <c>run</c>, <c>validate</c>, <c>plugins</c>, <c>list</c>, <c>verify</c>, <c>restore</c>, <c>drill</c>, <c>prune</c>.</summary>
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
        root.Subcommands.Add(DrillCommand.Create(options, output, error));
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

        var command = parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error }, cancellation.Token);
        var exitCode = await WithinShutdownBudgetAsync(command, cancellation.Token, error);
        return cancellation.IsCancellationRequested && exitOnSignal != ExitCodes.Success ? exitOnSignal : exitCode ?? exitOnSignal;
    }

    /// <summary>How long clean-up may take after SIGINT/SIGTERM before the process exits anyway (<c>BACKUP_SHUTDOWN_SECONDS</c>, default 20).</summary>
    /// <remarks>
    /// Kubernetes SIGKILLs a pod <c>terminationGracePeriodSeconds</c> (default 30) after SIGTERM. Aborting a multipart
    /// upload on a frozen S3 endpoint took 32.6 s, so the pod died mid-clean-up without a word; with a budget below the
    /// grace period the run says what it could not finish and exits 143 itself. deploy/ keeps the grace period above it.
    /// </remarks>
    public static TimeSpan ShutdownBudget =>
        int.TryParse(Environment.GetEnvironmentVariable("BACKUP_SHUTDOWN_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(20);

    // The command's exit code, or null when a signal came and its clean-up outlived the shutdown budget.
    private static async Task<int?> WithinShutdownBudgetAsync(Task<int> command, CancellationToken signalled, TextWriter error)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (signalled.Register(() => signal.TrySetResult()))
        {
            if (await Task.WhenAny(command, signal.Task) == command)
            {
                return await command;
            }
        }

        var budget = ShutdownBudget;
        if (await Task.WhenAny(command, Task.Delay(budget, CancellationToken.None)) == command)
        {
            return await command;
        }

        error.WriteLine($"error: clean-up did not finish within {budget.TotalSeconds:0} s of the signal (BACKUP_SHUTDOWN_SECONDS); exiting anyway. " +
            "The next run removes this run's temp files; an unfinished multipart upload is never visible at its key (a bucket lifecycle rule removes its parts)");
        return null;
    }

    private static Action<PosixSignalContext> Cancel(CancellationTokenSource cancellation, Action record) =>
        context =>
        {
            context.Cancel = true;
            record();
            cancellation.Cancel();
        };
}
