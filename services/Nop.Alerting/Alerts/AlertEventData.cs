using System.Text.Json;
using System.Text.Json.Serialization;
using Nop.Contracts;

namespace Nop.Alerting.Alerts;

/// <summary>The JSON in <c>alert_events.data</c>, one record per event type.</summary>
public static class AlertEventData
{
    // SeenAt: the event time of the evidence (a spike's measuredAt, a window's end); absent in events stored before it.
    public sealed record Raised(string SensorId, Zone Zone, AlertRule Rule, AlertSeverity Severity, double Level, double Threshold,
        string Message, DateTimeOffset? SeenAt = null);

    public sealed record Escalated(AlertSeverity Severity, double Level, double Threshold, string Message, DateTimeOffset? SeenAt = null);

    public sealed record Recurred(double Level, DateTimeOffset? SeenAt = null);

    public sealed record Acknowledged(string? Comment);

    public sealed record Resolved(string Reason);

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
