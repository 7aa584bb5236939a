using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Notifier.Data;
using Nop.Notifier.Planning;
using Nop.Notifier.Subscriptions;
using Nop.Persistence;
using Nop.Persistence.Outbox;
using Serilog.Context;

namespace Nop.Notifier.Sending;

// Sends one planned delivery, once. It first claims the row (attempt counted, claimed for twice the channel's
// time-out) in its own commit, then sends, then records the outcome. A delivered or dropped row is never sent again,
// whatever copy of its message arrives; a claimed row makes a concurrent copy wait. What remains is a crash after the
// recipient accepted and before "delivered" was committed: the message is redelivered and sent again, with the same
// Idempotency-Key (webhook) or Message-ID (e-mail), so the receiver can drop it. That is the guarantee: at least once,
// with a stable key; exactly once for every receiver that honours the key.
public sealed class DeliverNotificationHandler(NotifierDbContext db, DatabaseResilience resilience,
    SubscriptionCatalog subscriptions, NotificationWriter writer, EmailChannel email, WebhookChannel webhook,
    NotificationPlanner planner, OutboxSignal signal, NotifierMetrics metrics, TimeProvider time,
    IOptions<NotifierOptions> options, ILogger<DeliverNotificationHandler> logger)
    : IMessageHandler<DeliverNotification>
{
    public async Task HandleAsync(DeliverNotification message, MessageContext context,
        CancellationToken cancellationToken)
    {
        var delivery = await ClaimAsync(message.DeliveryId, cancellationToken);
        if (delivery is null)
            return;
        using var correlation = delivery.CorrelationId is { } id ? LogContext.PushProperty("CorrelationId", id) : null;
        if (subscriptions.Find(delivery.SubscriptionId) is not { } subscription)
        {
            await RecordAsync(delivery.Id, NotificationStatus.Dropped, "The subscription no longer exists.",
                cancellationToken);
            return;
        }
        var notification = await ComposeAsync(delivery, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (subscription.Channel == NotificationChannel.Email)
                await email.SendAsync(subscription, notification, cancellationToken);
            else
                await webhook.SendAsync(subscription, notification, cancellationToken);
        }
        catch (DeliveryRejectedException ex)
        {
            metrics.Attempted(subscription.Channel, "failed", started);
            await RecordAsync(delivery.Id, NotificationStatus.Failed, ex.Message, cancellationToken);
            throw new PermanentFailureException($"{delivery.Stage} to {subscription.Id}: {ex.Message}", ex);
        }
        catch (DeliveryFailedException ex)
        {
            metrics.Attempted(subscription.Channel, context.IsLastAttempt ? "failed" : "retried", started);
            await RecordAsync(delivery.Id,
                context.IsLastAttempt ? NotificationStatus.Failed : NotificationStatus.Sending,
                context.IsLastAttempt ? $"{ex.Message} Out of attempts." : $"{ex.Message} Retrying.",
                cancellationToken);
            throw;
        }
        metrics.Attempted(subscription.Channel, "delivered", started);
        await RecordAsync(delivery.Id, NotificationStatus.Delivered, null, cancellationToken);
        logger.LogInformation("Delivered {Stage} of {Subject} to {Subscription} ({Channel}) on attempt {Attempt}",
            delivery.Stage, delivery.AlertId?.ToString() ?? "a digest", subscription.Id, subscription.Channel,
            delivery.Attempts);
    }

    // The row, claimed for this handling; null when there is nothing to send.
    private Task<Delivery?> ClaimAsync(Guid id, CancellationToken cancellationToken) =>
        resilience.UntilAvailableAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.Id == id, ct);
            if (delivery is null)
            {
                logger.LogWarning("No delivery {DeliveryId}: nothing to send", id);
                return null;
            }
            if (delivery.Status is NotificationStatus.Delivered or NotificationStatus.Dropped)
            {
                logger.LogInformation("Delivery {DeliveryId} is {Status} already: not sent again", id,
                    delivery.Status);
                return null;
            }
            var now = time.GetUtcNow();
            if (delivery.ClaimedUntil is { } until && until > now)
                throw new DeliveryBusyException(id, until);
            delivery.ClaimedUntil = now + 2 * ChannelTimeout(delivery.Channel);
            delivery.Attempts++;
            delivery.Status = NotificationStatus.Sending;
            delivery.Version++;
            await db.SaveChangesAsync(ct);
            return delivery;
        }, cancellationToken);

    private async Task<Notification> ComposeAsync(Delivery delivery, CancellationToken ct)
    {
        if (delivery.AlertId is { } alertId)
        {
            var alert = await db.Alerts.AsNoTracking().FirstAsync(a => a.AlertId == alertId, ct);
            return writer.Stage(delivery, alert);
        }
        var entries = await db.Deliveries.AsNoTracking()
            .Where(d => d.DigestId == delivery.Id)
            .Join(db.Alerts.AsNoTracking(), d => d.AlertId, a => a.AlertId, (d, a) => new { d, a })
            .ToListAsync(ct);
        return writer.Digest(delivery, entries.OrderBy(e => e.d.PlannedAt).Select(e => (e.d, e.a)).ToList());
    }

    // The outcome, and the claim released. A digest's entries share its outcome.
    private async Task RecordAsync(Guid id, NotificationStatus status, string? detail,
        CancellationToken cancellationToken)
    {
        await resilience.UntilAvailableAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            var rows = await db.Deliveries.Where(d => d.Id == id || d.DigestId == id).ToListAsync(ct);
            var now = time.GetUtcNow();
            foreach (var row in rows)
            {
                row.Status = row.Id == id || status != NotificationStatus.Sending ? status : row.Status;
                row.Detail = detail;
                row.ClaimedUntil = null;
                row.DeliveredAt = status == NotificationStatus.Delivered ? now : null;
                row.Version++;
            }
            if (status != NotificationStatus.Sending)
            {
                // Settled: the subscription's next stage of the alert, held until now, goes out (if it is due).
                var next = await db.Deliveries.Where(d => d.AfterId == id && d.Status == NotificationStatus.Held
                    && d.DigestId == null && d.DueAt <= now).ToListAsync(ct);
                foreach (var row in next)
                {
                    row.Version++;
                    planner.Enqueue(row);
                }
            }
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken);
        signal.Notify();
    }

    private TimeSpan ChannelTimeout(NotificationChannel channel) => channel == NotificationChannel.Email
        ? options.Value.Smtp.Timeout
        : options.Value.Webhook.Timeout;
}
