using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dashboard.Testing;

/// <summary>
/// The server's most recent log lines, kept in memory, so that a test that timed out can say what the server was doing
/// (the test host shows no server output otherwise).
/// </summary>
public sealed class RecentLog : ILoggerProvider
{
    private const int Capacity = 400;
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public string Tail(int count = 60) => string.Join('\n', _lines.TakeLast(count));

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(RecentLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // The dashboard's own lines down to Debug (a refresh's phases), the framework's from Warning.
        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= (category.StartsWith("Dashboard.", StringComparison.Ordinal) ? LogLevel.Debug : LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel.ToString()[..4]} {category[(category.LastIndexOf('.') + 1)..]}: {formatter(state, exception)}";
            log.Add(exception is null ? line : $"{line}\n  {exception.GetType().Name}: {exception.Message}");
        }
    }
}
