using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Notifier.Data;
using Nop.Notifier.Subscriptions;

namespace Nop.Notifier.Planning;

// Turns alert events from nop.alerts into planned deliveries. The inbox skips a redelivered message; a re-emitted
// event (new message id, same alert) finds its deliveries planned already. Events of an alert Notifier never heard
// raised (it was raised before Notifier ran) are ignored: nobody was told about it, so nobody needs a follow-up.
public sealed class AlertEventHandlers(NotifierChanges changes, NotificationPlanner planner, TimeProvider time,
    ILogger<AlertEventHandlers> logger)
    : IMessageHandler<AlertRaised>, IMessageHandler<AlertEscalated>, IMessageHandler<AlertAcknowledged>,
        IMessageHandler<AlertResolved>
{
    private NotifierDbContext Db => changes.Db;

    public Task HandleAsync(AlertRaised message, MessageContext context, CancellationToken cancellationToken) =>
        changes.RunAsync(async ct =>
        {
            var alert = await Db.Alerts.FirstOrDefaultAsync(a => a.AlertId == message.AlertId, ct);
            if (alert is null)
            {
                alert = new NotifiedAlert
                {
                    AlertId = message.AlertId,
                    SensorId = message.SensorId,
                    Zone = message.Zone,
                    Rule = message.Rule,
                    Severity = message.Severity,
                    Level = message.Level,
                    Threshold = message.Threshold,
                    RaisedAt = message.RaisedAt,
                    Message = message.Message.Length <= 500 ? message.Message : message.Message[..497] + "...",
                    PlannedAt = time.GetUtcNow(),
                };
                Db.Alerts.Add(alert);
            }
            await planner.PlanAnnouncementsAsync(alert, context.Envelope.CorrelationId, ct);
        }, cancellationToken);

    public Task HandleAsync(AlertEscalated message, MessageContext context, CancellationToken cancellationToken) =>
        changes.RunAsync(async ct =>
        {
            if (await FindAsync(message.AlertId, message.GetType().Name, ct) is not { } alert)
                return;
            // Only ever worse: a late or repeated event must not lower what was recorded.
            if (message.Severity > alert.Severity)
                alert.Severity = message.Severity;
            alert.Level = Math.Max(alert.Level, message.Level);
            // A subscription that asked for a higher severity hears of the alert now.
            if (alert.ResolvedAt is null)
                await planner.PlanAnnouncementsAsync(alert, context.Envelope.CorrelationId, ct);
        }, cancellationToken);

    public Task HandleAsync(AlertAcknowledged message, MessageContext context, CancellationToken cancellationToken) =>
        changes.RunAsync(async ct =>
        {
            if (await FindAsync(message.AlertId, message.GetType().Name, ct) is not { } alert)
                return;
            alert.AcknowledgedBy ??= message.AcknowledgedBy;
            alert.AcknowledgeComment ??= message.Comment;
            alert.AcknowledgedAt ??= message.AcknowledgedAt;
            await planner.PlanFollowUpAsync(alert, Stages.Acknowledged, context.Envelope.CorrelationId, ct);
        }, cancellationToken);

    public Task HandleAsync(AlertResolved message, MessageContext context, CancellationToken cancellationToken) =>
        changes.RunAsync(async ct =>
        {
            if (await FindAsync(message.AlertId, message.GetType().Name, ct) is not { } alert)
                return;
            alert.ResolvedReason ??= message.Reason;
            alert.ResolvedAt ??= message.ResolvedAt;
            await planner.PlanFollowUpAsync(alert, Stages.Resolved, context.Envelope.CorrelationId, ct);
        }, cancellationToken);

    private async Task<NotifiedAlert?> FindAsync(Guid alertId, string eventName, CancellationToken ct)
    {
        var alert = await Db.Alerts.FirstOrDefaultAsync(a => a.AlertId == alertId, ct);
        if (alert is null)
            logger.LogInformation("Ignored {Event} of alert {AlertId}: raised before Notifier heard of it",
                eventName, alertId);
        else
            alert.Version++;
        return alert;
    }
}
