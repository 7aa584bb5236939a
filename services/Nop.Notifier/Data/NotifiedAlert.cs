using Nop.Contracts;

namespace Nop.Notifier.Data;

// What Notifier knows of an alert (table alerts): the raise's facts, which later events lack, and how far its
// notifications went. PlannedAt is Notifier's clock, not the alert's: escalation counts from when people were told.
public sealed class NotifiedAlert
{
    public Guid AlertId { get; set; }
    public required string SensorId { get; set; }
    public Zone Zone { get; set; }
    public AlertRule Rule { get; set; }
    public AlertSeverity Severity { get; set; }
    public double Level { get; set; }
    public double Threshold { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public required string Message { get; set; }
    public DateTimeOffset PlannedAt { get; set; }
    public int EscalationLevel { get; set; }
    public string? AcknowledgedBy { get; set; }
    public string? AcknowledgeComment { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? ResolvedReason { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    // Optimistic concurrency between the alert-event handler and the escalation scheduler.
    public int Version { get; set; }

    public bool Escalates => AcknowledgedAt is null && ResolvedAt is null;
}
