using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backup.Testing;

/// <summary>A logger factory that keeps every formatted message (and exception text), to assert what was or was not logged.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    /// <summary>Every message logged, formatted, with its exception's text appended when there is one.</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(Messages);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
