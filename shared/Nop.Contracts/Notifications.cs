using System.Text.Json.Serialization;

namespace Nop.Contracts;

/// <summary>
/// Notifier's own command to itself: deliver one planned notification now. Routing key <c>notifier.deliver</c> on
/// <see cref="Exchanges.Commands"/>, written to Notifier's outbox in the transaction that planned it. A digest is one
/// delivery that lists what happened in its period.
/// </summary>
/// <param name="DeliveryId">The delivery row: deterministic from (alert, stage, subscription), or from (subscription,
/// period end) for a digest.</param>
public sealed record DeliverNotification(Guid DeliveryId) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.deliver-notification.v1";
}

/// <summary>Asks Notifier who was notified about an alert (request/reply, routing key <c>notifier.query</c>).</summary>
public sealed record GetAlertNotifications(Guid AlertId) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-alert-notifications.v1";
}

/// <summary>Notifier's answer to <see cref="GetAlertNotifications"/>: one entry per (stage, subscription), in the
/// order they were planned.</summary>
public sealed record AlertNotifications(Guid AlertId, IReadOnlyList<NotificationEntry> Items) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alert-notifications.v1";
}

/// <summary>One notification of an alert's stage to one subscription.</summary>
/// <param name="Subscription">The subscription's id (configuration).</param>
/// <param name="Channel">E-mail or webhook.</param>
/// <param name="Recipient">The e-mail address, or the webhook's host (never its path or query, which may hold a
/// token).</param>
/// <param name="Stage"><c>raised</c>, <c>escalation-1</c>…, <c>acknowledged</c> or <c>resolved</c>.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="PlannedAt">When Notifier planned it.</param>
/// <param name="DueAt">When it is or was due (later than planned when held by quiet hours or a digest).</param>
/// <param name="DeliveredAt">When the mail server or webhook accepted it.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="Detail">Why it failed, was dropped or is held.</param>
public sealed record NotificationEntry(
    string Subscription,
    NotificationChannel Channel,
    string Recipient,
    string Stage,
    NotificationStatus Status,
    DateTimeOffset PlannedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? DeliveredAt,
    int Attempts,
    string? Detail);

/// <summary>How a notification travels.</summary>
public enum NotificationChannel
{
    /// <summary>E-mail over SMTP.</summary>
    [JsonStringEnumMemberName("email")] Email,
    /// <summary>A signed JSON POST.</summary>
    [JsonStringEnumMemberName("webhook")] Webhook,
}

/// <summary>Where a notification stands.</summary>
public enum NotificationStatus
{
    /// <summary>Waiting for its due time: quiet hours, or the end of a digest period.</summary>
    [JsonStringEnumMemberName("held")] Held,
    /// <summary>Handed to the delivery queue; being sent or retried.</summary>
    [JsonStringEnumMemberName("sending")] Sending,
    /// <summary>Accepted by the mail server or the webhook.</summary>
    [JsonStringEnumMemberName("delivered")] Delivered,
    /// <summary>Refused for good or out of attempts; parked in the dead-letter queue until replayed.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>Not sent on purpose (quiet hours below the subscription's severity).</summary>
    [JsonStringEnumMemberName("dropped")] Dropped,
}
