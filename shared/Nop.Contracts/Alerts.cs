namespace Nop.Contracts;

/// <summary>A new alert. Routing key <c>alert.raised</c>; its AMQP correlation id is that of the event that caused
/// it.</summary>
public sealed record AlertRaised(
    Guid AlertId,
    string SensorId,
    Zone Zone,
    AlertRule Rule,
    AlertSeverity Severity,
    double Level,
    double Threshold,
    DateTimeOffset RaisedAt,
    string Message) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alert-raised.v1";
}

/// <summary>An open alert got worse (higher severity or level). Routing key <c>alert.escalated</c>.</summary>
public sealed record AlertEscalated(
    Guid AlertId,
    string SensorId,
    AlertRule Rule,
    AlertSeverity Severity,
    double Level,
    DateTimeOffset EscalatedAt) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alert-escalated.v1";
}

/// <summary>An operator acknowledged an alert. Routing key <c>alert.acknowledged</c>.</summary>
public sealed record AlertAcknowledged(
    Guid AlertId,
    string SensorId,
    AlertRule Rule,
    string AcknowledgedBy,
    string? Comment,
    DateTimeOffset AcknowledgedAt) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alert-acknowledged.v1";
}

/// <summary>The condition behind an alert ended. Routing key <c>alert.resolved</c>.</summary>
public sealed record AlertResolved(
    Guid AlertId,
    string SensorId,
    AlertRule Rule,
    string Reason,
    DateTimeOffset ResolvedAt) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alert-resolved.v1";
}

/// <summary>
/// Alerting's own marker, sent by its quiet-alert sweeper straight to the <c>alerting.noise</c> queue (default
/// exchange). When it is consumed, every noise event queued before <see cref="SentAt"/> has been consumed too, so quiet
/// periods are judged against it and never while older evidence still waits in the queue.
/// </summary>
public sealed record AlertingQueueMarker(DateTimeOffset SentAt) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alerting-queue-marker.v1";
}
