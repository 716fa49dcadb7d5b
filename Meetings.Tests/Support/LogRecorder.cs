using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Meetings.Tests.Support;

/// <summary>Keeps every line a test host logs, so a test can count what an operator would read.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    public ConcurrentQueue<Line> Lines { get; } = new();

    public sealed record Line(string Category, LogLevel Level, string Message, Exception? Exception);

    /// <summary>Lines at Warning or above, the ones an operator is alerted by.</summary>
    public IReadOnlyList<Line> Warnings => Lines.Where(l => l.Level >= LogLevel.Warning).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) recorder.Lines.Enqueue(new Line(category, logLevel, formatter(state, exception), exception));
        }
    }
}
