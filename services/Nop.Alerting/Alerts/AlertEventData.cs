using System.Text.Json;
using System.Text.Json.Serialization;
using Nop.Contracts;

namespace Nop.Alerting.Alerts;

// The JSON in alert_events.data, one record per event type.
public static class AlertEventData
{
    // SeenAt: the event time of the evidence (a spike's measuredAt, a window's end); absent in events stored before it.
    public sealed record Raised(string SensorId, Zone Zone, AlertRule Rule, AlertSeverity Severity, double Level,
        double Threshold, string Message, DateTimeOffset? SeenAt = null);

    // Occurrences: the alert's count so far, coalesced recurrences included (absent in
    // older events: one more than before).
    public sealed record Escalated(AlertSeverity Severity, double Level, double Threshold, string Message,
        long? Occurrences = null, DateTimeOffset? SeenAt = null);

    // The latest level; Occurrences is the alert's count so far (absent in events stored
    // before recurrences were coalesced: each of those was one occurrence).
    public sealed record Recurred(double Level, long? Occurrences = null, DateTimeOffset? SeenAt = null);

    public sealed record Acknowledged(string? Comment);

    // Carries the final count and last-seen time, which coalesced recurrences since the last stored event
    // only kept on the alert row: a resolved alert rebuilds exactly.
    public sealed record Resolved(string Reason, long? Occurrences = null, DateTimeOffset? LastSeenAt = null);

    public static string Serialize<T>(T data) => JsonSerializer.Serialize(data, typeof(T), AlertingJsonContext.Default);

    public static T Deserialize<T>(string json) =>
        (T)(JsonSerializer.Deserialize(json, typeof(T), AlertingJsonContext.Default)
            ?? throw new JsonException($"alert_events.data is null for {typeof(T).Name}."));
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AlertEventData.Raised))]
[JsonSerializable(typeof(AlertEventData.Escalated))]
[JsonSerializable(typeof(AlertEventData.Recurred))]
[JsonSerializable(typeof(AlertEventData.Acknowledged))]
[JsonSerializable(typeof(AlertEventData.Resolved))]
internal sealed partial class AlertingJsonContext : JsonSerializerContext;
