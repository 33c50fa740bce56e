using System.Diagnostics;
using System.Text;

namespace Backup.Testing;

/// <summary>The published <c>backup</c> running in the background, for tests that act on it while it runs (signals, concurrent runs).</summary>
public sealed class BackgroundHost : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _errorSoFar = new();
    private readonly Task<string> _standardError;
    private readonly Task<string> _standardOutput;

    private BackgroundHost(Process process)
    {
        _process = process;
        _standardError = CollectAsync(process.StandardError, _errorSoFar);
        _standardOutput = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>What the host wrote to stderr so far, while it runs (the last line may be incomplete).</summary>
    public string StandardErrorSoFar
    {
        get
        {
            lock (_errorSoFar)
            {
                return _errorSoFar.ToString();
            }
        }
    }

    /// <summary>Starts <c>backup</c> with <paramref name="arguments"/>.</summary>
    public static Task<BackgroundHost> StartAsync(params string[] arguments) => StartAsync(new Dictionary<string, string?>(), arguments);

    /// <summary>Starts <c>backup</c> with <paramref name="arguments"/> and these environment variables (null removes one).</summary>
    public static async Task<BackgroundHost> StartAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
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

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new BackgroundHost(Process.Start(start)!);
    }

    /// <summary>Waits (at most a minute) for the host to exit by itself; returns its exit code, stdout and stderr.</summary>
    public async Task<(int ExitCode, string StandardOutput, string StandardError)> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Deadline);
        return (_process.ExitCode, await _standardOutput, await _standardError);
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

    private static async Task<string> CollectAsync(StreamReader reader, StringBuilder soFar)
    {
        // Characters as written, not lines: a test may look for control characters such as '\r'.
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (soFar)
            {
                soFar.Append(buffer, 0, read);
            }
        }

        lock (soFar)
        {
            return soFar.ToString();
        }
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
