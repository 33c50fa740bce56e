using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Backup.Host.Logging;
using Backup.Host.Monitoring;
using Backup.Host.Progress;

namespace Backup.Host.Cli;

/// <summary>The <c>backup</c> command line: <c>run</c>, <c>validate</c>, <c>plugins</c>, <c>list</c>, <c>verify</c>, <c>restore</c>, <c>drill</c>, <c>prune</c>, <c>binlogs</c>.</summary>
internal static class BackupCommandLine
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output: command output only.</param>
    /// <param name="error">Standard error: logs, progress and error lines.</param>
    /// <param name="terminal">The live status line when standard error is a terminal (it is then <paramref name="error"/>), else null.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, StatusLineWriter? terminal = null)
    {
        var options = new GlobalOptions { Terminal = terminal };
        if (HostLogging.IsJson)
        {
            // Every line a log collector sees is JSON: command output and error lines too, not only log records.
            output = new JsonLineWriter(output, "Backup.Output", options.Status, TimeProvider.System);
            error = new JsonLineWriter(error, "Backup.Error", options.Status, TimeProvider.System);
        }

        try
        {
            return await RunCommandAsync(args, options, output, error);
        }
        finally
        {
            await output.FlushAsync();
            await error.FlushAsync();
        }
    }

    private static async Task<int> RunCommandAsync(string[] args, GlobalOptions options, TextWriter output, TextWriter error)
    {
        var recorder = new OutcomeRecorder(TimeProvider.System);
        var root = new RootCommand("Backs up a database with a source plugin into a storage plugin, as described by a YAML job spec.");
        options.AddTo(root);
        root.Subcommands.Add(RunCommand.Create(options, output, error, recorder));
        root.Subcommands.Add(ValidateCommand.Create(options, output, error));
        root.Subcommands.Add(PluginsCommand.Create(options, output, error));
        root.Subcommands.Add(ListCommand.Create(options, output, error));
        root.Subcommands.Add(VerifyCommand.Create(options, output, error, recorder));
        root.Subcommands.Add(RestoreCommand.Create(options, output, error, recorder));
        root.Subcommands.Add(DrillCommand.Create(options, output, error, recorder));
        root.Subcommands.Add(PruneCommand.Create(options, output, error, recorder));
        root.Subcommands.Add(BinlogsCommand.Create(options, output, error));

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
        var signalledAt = DateTimeOffset.MaxValue;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel(cancellation, () => (exitOnSignal, signalledAt) = (ExitCodes.Interrupted, DateTimeOffset.UtcNow)));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel(cancellation, () => (exitOnSignal, signalledAt) = (ExitCodes.Terminated, DateTimeOffset.UtcNow)));

        var command = parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error }, cancellation.Token);
        var exitCode = await WithinShutdownBudgetAsync(command, cancellation.Token, error);
        var final = cancellation.IsCancellationRequested && exitOnSignal != ExitCodes.Success ? exitOnSignal : exitCode ?? exitOnSignal;
        await ReportAsync(recorder, final, signalledAt, error);
        return final;
    }

    // The one seam where every job command's outcome is pushed and notified, with the exit code the process returns.
    // After a signal, reporting gets what is left of the shutdown budget, but at least a second: a run whose clean-up
    // hung is exactly the one to report (deploy/ keeps the grace period 40 s above the budget).
    private static async Task ReportAsync(OutcomeRecorder recorder, int exitCode, DateTimeOffset signalledAt, TextWriter error)
    {
        if (recorder.Finish(exitCode) is not { } outcome || recorder.Spec is not { } spec || OutcomeReporter.Bound(spec) is not { Ticks: > 0 } bound)
        {
            return;
        }

        // Without a signal, each part's own timeouts bound it; the limit is a backstop a little above them.
        var limit = signalledAt == DateTimeOffset.MaxValue
            ? bound + TimeSpan.FromSeconds(2)
            : TimeSpan.FromSeconds(Math.Clamp((signalledAt + ShutdownBudget - DateTimeOffset.UtcNow).TotalSeconds, 1, bound.TotalSeconds));
        await new OutcomeReporter(error, TimeProvider.System).ReportAsync(spec, outcome, limit);
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
