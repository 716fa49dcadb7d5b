using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Meetings.Tests.Support;

/// <summary>Keeps what a test host logs at Warning and above, so a test can say that something was (or was not) reported.</summary>
public sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    /// <summary>The warnings and errors logged so far by a category (a class's full name).</summary>
    public IReadOnlyList<Entry> From<T>() => Entries.Where(e => e.Category == typeof(T).FullName).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) sink.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
