using Serilog.Core;
using Serilog.Events;

namespace Nop.Messaging;

/// <summary>
/// The properties every log line written while a delivery is handled carries: CorrelationId, MessageId, MessageType
/// and Queue, and SensorId once the body is read (a sensor's message). One enricher pushed once per delivery instead
/// of a push per property: each push changes the async-local log context (a new execution context), and the
/// properties are built only for lines actually written.
/// </summary>
internal sealed class DeliveryLogContext(MessageEnvelope envelope, string queue) : ILogEventEnricher
{
    /// <summary>Set when the body turns out to be a sensor's message.</summary>
    public string? SensorId { get; set; }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        Add(logEvent, propertyFactory, "CorrelationId", envelope.CorrelationId);
        Add(logEvent, propertyFactory, "MessageId", envelope.MessageId);
        Add(logEvent, propertyFactory, "MessageType", envelope.MessageType);
        Add(logEvent, propertyFactory, "Queue", queue);
        if (SensorId is { } sensorId)
        {
            Add(logEvent, propertyFactory, "SensorId", sensorId);
        }
    }

    private static void Add(LogEvent logEvent, ILogEventPropertyFactory factory, string name, string value) =>
        logEvent.AddPropertyIfAbsent(factory.CreateProperty(name, value));
}
