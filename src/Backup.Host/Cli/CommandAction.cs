using System.CommandLine;
using Backup.Host.Monitoring;
using Backup.Host.Progress;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary>The frame every job command runs in: the logger factory, one clear line per error, and what to say when cancelled.</summary>
internal static class CommandAction
{
    /// <summary>Wraps <paramref name="body"/> so any exception becomes <see cref="ErrorReporter"/>'s line and exit code.</summary>
    /// <param name="options">The global options (for <c>--verbose</c>).</param>
    /// <param name="error">Where error lines go.</param>
    /// <param name="whenCancelled">The line printed after SIGINT/SIGTERM, saying what state the run left behind.</param>
    /// <param name="body">The command's work; returns its exit code.</param>
    /// <param name="reported">For a job command whose outcome is pushed and notified: its name and the invocation's recorder.</param>
    public static Func<ParseResult, CancellationToken, Task<int>> Create(
        GlobalOptions options,
        TextWriter error,
        string whenCancelled,
        Func<ParseResult, ILoggerFactory, CancellationToken, Task<int>> body,
        (string Command, OutcomeRecorder Recorder)? reported = null) =>
        async (parseResult, cancellationToken) =>
        {
            var recorder = reported?.Recorder;
            recorder?.Begin(reported!.Value.Command);
            var verbose = parseResult.GetValue(options.Verbose);
            using var loggerFactory = HostLogging.Create(verbose, options.Status);
            // Reading the spec and loading the plugins; each command enters its own phases after that.
            options.Status.Enter("start");
            using var progress = new ProgressReporter(options.Status, loggerFactory.CreateLogger("Backup.Progress"), options.Terminal, TimeProvider.System);
            try
            {
                return await body(parseResult, loggerFactory, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                recorder?.Failed(whenCancelled);
                error.WriteLine($"error: {whenCancelled}");
                return ExitCodes.Interrupted;
            }
            catch (Exception ex)
            {
                return ErrorReporter.Report(ex, error, verbose, recorder);
            }
        };
}
