using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Nop.Testing;

/// <summary>A Serilog sink that keeps every event, so tests can assert on properties such as CorrelationId.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyCollection<LogEvent> Events => _events;

    /// <inheritdoc />
    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>The scalar value of a property, or null.</summary>
    public static string? Property(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } scalar }
            ? scalar.ToString() : null;
}
