using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Nop.ServiceDefaults.Tests.Support;

/// <summary>Keeps every log event in memory for assertions.</summary>
internal sealed class CapturingSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    public IEnumerable<LogEvent> WithTemplate(string template) =>
        Events.Where(e => e.MessageTemplate.Text == template);
}

internal static class LogEventExtensions
{
    public static string? Text(this LogEvent logEvent, string property) =>
        logEvent.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: var scalar }
            ? scalar?.ToString()
            : null;
}
