using System.Diagnostics;

namespace Backup.Testing;

/// <summary>The published <c>backup</c> running in the background, for tests that act on it while it runs (signals, concurrent runs).</summary>
public sealed class BackgroundHost : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Task<string> _standardError;

    private BackgroundHost(Process process)
    {
        _process = process;
        _standardError = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>Starts <c>backup</c> with <paramref name="arguments"/>.</summary>
    public static async Task<BackgroundHost> StartAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(await PublishedHost.DirectoryAsync(), "backup"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new BackgroundHost(Process.Start(start)!);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails if the host exits first or a minute passes.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the host exited ({_process.ExitCode}) before {what}: {await _standardError}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {Deadline.TotalSeconds} s for {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>SIGKILL, as the OOM killer or a lost node does: the host gets no chance to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(Deadline);
    }

    /// <summary>SIGTERM, then waits for the exit; returns the exit code and stderr.</summary>
    public async Task<(int ExitCode, string StandardError)> TerminateAsync()
    {
        Signals.Terminate(_process.Id);
        await _process.WaitForExitAsync().WaitAsync(Deadline);
        return (_process.ExitCode, await _standardError);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
