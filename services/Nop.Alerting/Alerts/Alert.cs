using Nop.Contracts;

namespace Nop.Alerting.Alerts;

/// <summary>
/// The read model: the current state of one alert, kept in the <c>alerts</c> table. It is changed by
/// <see cref="AlertProjection.Apply"/> from an <see cref="AlertEvent"/> appended in the same transaction, so it can be
/// rebuilt from <c>alert_events</c> at any time; the one exception is a coalesced recurrence
/// (<see cref="AlertLedger.Report"/>), which moves only <see cref="Occurrences"/> and <see cref="LastSeenAt"/> until
/// the next stored event carries them (a rebuilt open alert may lag by up to one recurrence interval).
/// </summary>
public sealed class Alert
{
    public Guid Id { get; set; }
    public required string SensorId { get; set; }
    public Zone Zone { get; set; }
    public AlertRule Rule { get; set; }
    public AlertSeverity Severity { get; set; }
    public AlertState State { get; set; }
    /// <summary>The worst level seen while the alert was open (dB(A), or spikes per window for spike-rate).</summary>
    public double Level { get; set; }
    public double Threshold { get; set; }
    public required string Message { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The event time of the newest evidence (a spike's <c>measuredAt</c>, a window's end), at most the time it
    /// was handled; spike alerts resolve after a quiet period measured from it.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>
    /// How many times the condition was reported (raise, escalations, recurrences). A recurrence within
    /// <see cref="AlertingOptions.RecurrenceInterval"/> of the last stored event only counts here and moves
    /// <see cref="LastSeenAt"/>, without an event; so this is a concurrency token too, or two such updates could both
    /// commit on one version and lose a count.
    /// </summary>
    public long Occurrences { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgeComment { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedReason { get; set; }
    /// <summary>The correlation id of the noise event that raised it (links the alert to its logs).</summary>
    public required string CorrelationId { get; set; }
    /// <summary>The sequence of the last event applied; also the optimistic concurrency token.</summary>
    public int Version { get; set; }

    public AlertSummary ToSummary() => new(Id, SensorId, Zone, Rule, Severity, State, Level, Threshold, Message,
        RaisedAt, UpdatedAt, AcknowledgedBy, CorrelationId, Occurrences, LastSeenAt);
}

/// <summary>What happened to an alert. Stored as text in <c>alert_events.type</c>.</summary>
public enum AlertEventType
{
    Raised,
    /// <summary>The condition got worse: a higher level or severity.</summary>
    Escalated,
    /// <summary>The condition was reported again, no worse; stored at most every
    /// <see cref="AlertingOptions.RecurrenceInterval"/>, with the count so far (not published).</summary>
    Recurred,
    Acknowledged,
    Resolved,
}

/// <summary>One row of the append-only <c>alert_events</c> table; (alert id, sequence) is its key.</summary>
public sealed class AlertEvent
{
    public Guid AlertId { get; set; }
    public int Sequence { get; set; }
    public AlertEventType Type { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>Who made the change: an operator for acknowledgements, <c>alerting</c> otherwise.</summary>
    public string? By { get; set; }
    /// <summary>The event's own fields as JSON (see <see cref="AlertEventData"/>).</summary>
    public required string Data { get; set; }
    public required string CorrelationId { get; set; }
    /// <summary>The message id of the message whose handling produced this event, when there was one.</summary>
    public string? CausationId { get; set; }
}
