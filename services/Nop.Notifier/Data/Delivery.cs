using Nop.Contracts;

namespace Nop.Notifier.Data;

// One notification (table deliveries): an alert's stage to one subscription, or a digest (Stage "digest", no alert)
// listing the stages planned for a digest subscription in one period. The id is deterministic, so planning the same
// stage twice (a redelivered or re-emitted event, a restart) finds the row instead of adding a second one: this row
// is the record that makes each stage reach each subscription once.
public sealed class Delivery
{
    public const string DigestStage = "digest";

    public Guid Id { get; set; }
    public Guid? AlertId { get; set; }
    public required string Stage { get; set; }
    public required string SubscriptionId { get; set; }
    public NotificationChannel Channel { get; set; }
    public required string Recipient { get; set; }
    public NotificationStatus Status { get; set; }
    public DateTimeOffset PlannedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    // The digest that will carry this stage, for a digest subscription.
    public Guid? DigestId { get; set; }
    // The same subscription's previous stage of the alert, still on its way when this one was planned: this one is
    // held until that one is settled, so a subscription never hears "acknowledged" before "raised".
    public Guid? AfterId { get; set; }
    // A handler sending it holds it until then: a second copy of its message waits instead of sending it too.
    public DateTimeOffset? ClaimedUntil { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? Detail { get; set; }
    // Of the alert event that planned it: every log line of its delivery carries it.
    public string? CorrelationId { get; set; }
    public int Version { get; set; }

    public static Guid IdOf(Guid alertId, string stage, string subscriptionId) =>
        Guid.Parse(Nop.Messaging.DeterministicId.For("delivery", alertId.ToString(), stage, subscriptionId));

    public static Guid DigestIdOf(string subscriptionId, DateTimeOffset periodEnd) =>
        Guid.Parse(Nop.Messaging.DeterministicId.For("digest", subscriptionId,
            periodEnd.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
