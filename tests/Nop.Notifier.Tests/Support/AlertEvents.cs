using Nop.Contracts;

namespace Nop.Notifier.Tests.Support;

/// <summary>Alert events as Alerting publishes them on nop.alerts.</summary>
public static class AlertEvents
{
    public static AlertRaised Raised(Guid alertId, string sensorId = "s-1",
        AlertSeverity severity = AlertSeverity.Warning, Zone zone = Zone.Residential,
        AlertRule rule = AlertRule.Level) =>
        new(alertId, sensorId, zone, rule, severity, 71.5, 55, DateTimeOffset.UtcNow,
            $"Level 71.5 dB(A) over 55.0 dB(A) at {sensorId}");

    public static AlertAcknowledged Acknowledged(Guid alertId, string by = "alice", string? comment = "on my way",
        string sensorId = "s-1") =>
        new(alertId, sensorId, AlertRule.Level, by, comment, DateTimeOffset.UtcNow);

    public static AlertResolved Resolved(Guid alertId, string sensorId = "s-1") =>
        new(alertId, sensorId, AlertRule.Level, "level back under the threshold", DateTimeOffset.UtcNow);

    public static string RoutingKey(IMessage message) => message switch
    {
        AlertRaised => RoutingKeys.AlertRaised,
        AlertEscalated => RoutingKeys.AlertEscalated,
        AlertAcknowledged => RoutingKeys.AlertAcknowledged,
        AlertResolved => RoutingKeys.AlertResolved,
        _ => throw new ArgumentException($"Not an alert event: {message.GetType().Name}"),
    };
}
