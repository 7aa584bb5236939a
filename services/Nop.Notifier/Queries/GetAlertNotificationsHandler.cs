using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Notifier.Data;
using Nop.Persistence;

namespace Nop.Notifier.Queries;

// Who was told about an alert, by which channel, when, and whether it arrived: for the page, over request/reply.
public sealed class GetAlertNotificationsHandler(NotifierDbContext db, DatabaseResilience resilience)
    : IRequestHandler<GetAlertNotifications, AlertNotifications>
{
    // An alert has a handful of stages times subscriptions; this bounds the reply all the same.
    private const int Limit = 500;

    public Task<AlertNotifications> HandleAsync(GetAlertNotifications request, MessageContext context,
        CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(async ct =>
        {
            var rows = await db.Deliveries.AsNoTracking()
                .Where(d => d.AlertId == request.AlertId)
                .Take(Limit)
                .ToListAsync(ct);
            var items = rows
                .OrderBy(d => d.PlannedAt).ThenBy(d => d.SubscriptionId, StringComparer.Ordinal)
                .Select(d => new NotificationEntry(d.SubscriptionId, d.Channel, d.Recipient, d.Stage, d.Status,
                    d.PlannedAt, d.DueAt, d.DeliveredAt, d.Attempts, d.Detail))
                .ToList();
            return new AlertNotifications(request.AlertId, items);
        }, cancellationToken);
}
