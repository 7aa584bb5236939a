using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.Notifier.Data;
using Nop.Notifier.Subscriptions;
using Nop.Persistence.Outbox;

namespace Nop.Notifier.Planning;

// Decides, inside the caller's unit of work, which deliveries a stage of an alert makes: one row per subscription
// (skipped when the row exists: the stage was planned before), due now, held by quiet hours or a digest, or dropped.
// A row due now is handed to the delivery queue through the outbox in the same transaction.
public sealed class NotificationPlanner(NotifierDbContext db, SubscriptionCatalog subscriptions, TimeProvider time)
{
    // The raise, and every escalation stage the alert has reached (an escalated severity may match more
    // subscriptions now).
    public async Task PlanAnnouncementsAsync(NotifiedAlert alert, string? correlationId, CancellationToken ct)
    {
        for (var level = 0; level <= alert.EscalationLevel; level++)
            await PlanAsync(alert, SubscriptionCatalog.StageOf(level), subscriptions.At(level, alert), correlationId,
                ct);
    }

    // A follow-up (acknowledged, resolved) to every subscription that was told about the alert and not dropped.
    public async Task PlanFollowUpAsync(NotifiedAlert alert, string stage, string? correlationId,
        CancellationToken ct)
    {
        var told = await db.Deliveries.AsNoTracking()
            .Where(d => d.AlertId == alert.AlertId && d.Status != NotificationStatus.Dropped)
            .Select(d => new { d.Stage, d.SubscriptionId })
            .ToListAsync(ct);
        var targets = told.Where(d => Stages.Announces(d.Stage))
            .Select(d => subscriptions.Find(d.SubscriptionId))
            .OfType<SubscriptionOptions>()
            .DistinctBy(s => s.Id);
        await PlanAsync(alert, stage, targets, correlationId, ct);
    }

    public async Task PlanAsync(NotifiedAlert alert, string stage, IEnumerable<SubscriptionOptions> targets,
        string? correlationId, CancellationToken ct)
    {
        var byId = targets.ToDictionary(s => Delivery.IdOf(alert.AlertId, stage, s.Id));
        if (byId.Count == 0)
            return;
        var ids = byId.Keys.ToList();
        var planned = await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).Select(d => d.Id)
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        var unsettled = await UnsettledAsync(alert.AlertId, ct);
        foreach (var (id, subscription) in byId)
        {
            if (planned.Contains(id) || db.Deliveries.Local.Any(d => d.Id == id))
                continue;
            var delivery = new Delivery
            {
                Id = id,
                AlertId = alert.AlertId,
                Stage = stage,
                SubscriptionId = subscription.Id,
                Channel = subscription.Channel,
                Recipient = subscription.Recipient,
                PlannedAt = now,
                DueAt = now,
                CorrelationId = correlationId,
            };
            db.Deliveries.Add(delivery);
            await DecideAsync(delivery, subscription, alert.Severity, now,
                unsettled.GetValueOrDefault(subscription.Id), ct);
            if (delivery.Status is NotificationStatus.Sending or NotificationStatus.Held && delivery.DigestId is null)
                unsettled[subscription.Id] = delivery;
        }
    }

    // Per subscription, the alert's latest stage that is still held or sending (stored, or planned in this unit of
    // work): the next stage waits for it.
    private async Task<Dictionary<string, Delivery>> UnsettledAsync(Guid alertId, CancellationToken ct)
    {
        var stored = await db.Deliveries.AsNoTracking()
            .Where(d => d.AlertId == alertId && d.DigestId == null
                && (d.Status == NotificationStatus.Held || d.Status == NotificationStatus.Sending))
            .ToListAsync(ct);
        return stored.Concat(db.Deliveries.Local.Where(d => d.AlertId == alertId && d.DigestId == null
                && d.Status is NotificationStatus.Held or NotificationStatus.Sending))
            .GroupBy(d => d.SubscriptionId)
            .ToDictionary(g => g.Key, g => g.MaxBy(d => d.PlannedAt)!);
    }

    private async Task DecideAsync(Delivery delivery, SubscriptionOptions subscription, AlertSeverity severity,
        DateTimeOffset now, Delivery? previous, CancellationToken ct)
    {
        var quiet = subscription.QuietHours;
        var quietEnd = quiet is not null && !(severity >= quiet.SendAtOrAbove) ? quiet.EndAfter(now) : null;
        if (quietEnd is not null && severity < quiet!.DropBelow)
        {
            delivery.Status = NotificationStatus.Dropped;
            delivery.Detail = $"Quiet hours ({quiet.From:HH\\:mm}–{quiet.To:HH\\:mm} {quiet.TimeZone}); "
                + $"below {quiet.DropBelow}.";
            return;
        }
        if (subscription.DigestMinutes > 0)
        {
            var digest = await DigestAsync(subscription, now, ct);
            delivery.Status = NotificationStatus.Held;
            delivery.DigestId = digest.Id;
            delivery.DueAt = digest.DueAt;
            delivery.Detail = "In the digest due then.";
            return;
        }
        if (quietEnd is { } end)
        {
            delivery.Status = NotificationStatus.Held;
            delivery.DueAt = end;
            delivery.AfterId = previous?.Id;
            delivery.Detail = $"Held for quiet hours ({quiet!.From:HH\\:mm}–{quiet.To:HH\\:mm} {quiet.TimeZone}).";
            return;
        }
        if (previous is not null)
        {
            // The scheduler releases it once the previous stage is delivered, failed or dropped.
            delivery.Status = NotificationStatus.Held;
            delivery.AfterId = previous.Id;
            delivery.Detail = $"After the {previous.Stage} notification.";
            return;
        }
        Enqueue(delivery);
    }

    // The digest of the subscription's current period (it ends at the next multiple of DigestMinutes since the Unix
    // epoch, so 60 ends on the hour), created when it is the first stage of the period.
    private async Task<Delivery> DigestAsync(SubscriptionOptions subscription, DateTimeOffset now,
        CancellationToken ct)
    {
        var period = TimeSpan.FromMinutes(subscription.DigestMinutes).Ticks;
        var end = new DateTimeOffset((now.UtcTicks / period + 1) * period, TimeSpan.Zero);
        var id = Delivery.DigestIdOf(subscription.Id, end);
        var digest = db.Deliveries.Local.FirstOrDefault(d => d.Id == id)
            ?? await db.Deliveries.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (digest is not null)
            return digest;
        digest = new Delivery
        {
            Id = id,
            Stage = Delivery.DigestStage,
            SubscriptionId = subscription.Id,
            Channel = subscription.Channel,
            Recipient = subscription.Recipient,
            Status = NotificationStatus.Held,
            PlannedAt = now,
            // Quiet hours at the period's end hold the digest until they are over.
            DueAt = subscription.QuietHours?.EndAfter(end) ?? end,
        };
        db.Deliveries.Add(digest);
        return digest;
    }

    // Due now: to the delivery queue, through the outbox, committed with the row.
    public void Enqueue(Delivery delivery)
    {
        delivery.Status = NotificationStatus.Sending;
        delivery.Detail = null;
        db.Outbox.Add(OutboxMessage.Of(new DeliverNotification(delivery.Id), RoutingKeys.DeliverNotification,
            delivery.Id.ToString(), time.GetUtcNow(), delivery.CorrelationId ?? delivery.Id.ToString(),
            messageId: delivery.Id.ToString()));
    }
}
