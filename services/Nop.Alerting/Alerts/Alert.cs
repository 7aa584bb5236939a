using Nop.Contracts;

namespace Nop.Alerting.Alerts;

// The read model: the current state of one alert, kept in the alerts table. It is changed by
// AlertProjection.Apply from an AlertEvent appended in the same transaction, so it can be
// rebuilt from alert_events at any time; the one exception is a coalesced recurrence
// (AlertLedger.Report), which moves only Occurrences and LastSeenAt until
// the next stored event carries them (a rebuilt open alert may lag by up to one recurrence interval).
public sealed class Alert
{
    public Guid Id { get; set; }
    public required string SensorId { get; set; }
    public Zone Zone { get; set; }
    public AlertRule Rule { get; set; }
    public AlertSeverity Severity { get; set; }
    public AlertState State { get; set; }
    // The worst level seen while the alert was open (dB(A), or spikes per window for spike-rate).
    public double Level { get; set; }
    public double Threshold { get; set; }
    public required string Message { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    // The event time of the newest evidence (a spike's measuredAt, a window's end), at most the time it
    // was handled; spike alerts resolve after a quiet period measured from it.
    public DateTimeOffset LastSeenAt { get; set; }
    // How many times the condition was reported (raise, escalations, recurrences). A recurrence within
    // AlertingOptions.RecurrenceInterval of the last stored event only counts here and moves
    // LastSeenAt, without an event; so this is a concurrency token too, or two such updates could both
    // commit on one version and lose a count.
    public long Occurrences { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgeComment { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedReason { get; set; }
    // The correlation id of the noise event that raised it (links the alert to its logs).
    public required string CorrelationId { get; set; }
    // The sequence of the last event applied; also the optimistic concurrency token.
    public int Version { get; set; }

    public AlertSummary ToSummary() => new(Id, SensorId, Zone, Rule, Severity, State, Level, Threshold, Message,
        RaisedAt, UpdatedAt, AcknowledgedBy, CorrelationId, Occurrences, LastSeenAt, AcknowledgeComment);
}

// What happened to an alert. Stored as text in alert_events.type.
public enum AlertEventType
{
    Raised,
    // The condition got worse: a higher level or severity.
    Escalated,
    // The condition was reported again, no worse; stored at most every
    // AlertingOptions.RecurrenceInterval, with the count so far (not published).
    Recurred,
    Acknowledged,
    Resolved,
}

// One row of the append-only alert_events table; (alert id, sequence) is its key.
public sealed class AlertEvent
{
    public Guid AlertId { get; set; }
    public int Sequence { get; set; }
    public AlertEventType Type { get; set; }
    public DateTimeOffset At { get; set; }
    // Who made the change: an operator for acknowledgements, alerting otherwise.
    public string? By { get; set; }
    // The event's own fields as JSON (see AlertEventData).
    public required string Data { get; set; }
    public required string CorrelationId { get; set; }
    // The message id of the message whose handling produced this event, when there was one.
    public string? CausationId { get; set; }
}
