using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Notifier.Data;
using Nop.Notifier.Subscriptions;
using Nop.Persistence;
using Nop.Persistence.Outbox;

namespace Nop.Notifier.Planning;

// Every ScheduleInterval: escalates open alerts nobody acknowledged in time, and hands held deliveries and digests
// that are due to the delivery queue. Time comes from TimeProvider, so tests move it by hand. Two instances may both
// run this: their conflicting writes fail on row versions and keys (WriteConflict) and are decided again.
public sealed class NotificationScheduler(IServiceScopeFactory scopes, SubscriptionCatalog subscriptions,
    IOptions<NotifierOptions> options, DatabaseResilience resilience, OutboxSignal signal, TimeProvider time,
    ILogger<NotificationScheduler> logger) : BackgroundService
{
    private const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Notification schedule pass failed; trying again in {Interval}",
                    options.Value.ScheduleInterval);
            }
            try
            {
                await Task.Delay(options.Value.ScheduleInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // One pass; public for tests that move a fake clock.
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var escalated = await EscalateAsync(cancellationToken);
        var released = await ReleaseDueAsync(cancellationToken);
        if (escalated + released > 0)
        {
            logger.LogInformation("Escalated {Escalated} alert(s), released {Released} held notification(s)",
                escalated, released);
            signal.Notify();
        }
    }

    private async Task<int> EscalateAsync(CancellationToken cancellationToken)
    {
        if (subscriptions.MaxLevel == 0)
            return 0;
        var after = options.Value.EscalateAfter;
        return await resilience.UntilAvailableAsync(async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NotifierDbContext>();
            var planner = scope.ServiceProvider.GetRequiredService<NotificationPlanner>();
            var now = time.GetUtcNow();
            var cutoff = now - after;
            var candidates = await db.Alerts
                .Where(a => a.AcknowledgedAt == null && a.ResolvedAt == null
                    && a.EscalationLevel < subscriptions.MaxLevel && a.PlannedAt <= cutoff)
                .OrderBy(a => a.PlannedAt)
                .Take(Batch)
                .ToListAsync(ct);
            var count = 0;
            foreach (var alert in candidates.Where(a => a.PlannedAt + (a.EscalationLevel + 1) * after <= now))
            {
                alert.EscalationLevel++;
                alert.Version++;
                var level = alert.EscalationLevel;
                await planner.PlanAsync(alert, SubscriptionCatalog.StageOf(level), subscriptions.At(level, alert),
                    correlationId: null, ct);
                logger.LogInformation("Alert {AlertId} not acknowledged within {After}: escalated to level {Level}",
                    alert.AlertId, level * after, level);
                count++;
            }
            await db.SaveChangesAsync(ct);
            return count;
        }, cancellationToken);
    }

    // Held rows whose time has come: quiet hours over, a digest's period ended, the previous stage settled. A stage
    // held for a digest is sent by its digest, not on its own.
    private Task<int> ReleaseDueAsync(CancellationToken cancellationToken) =>
        resilience.UntilAvailableAsync(async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NotifierDbContext>();
            var planner = scope.ServiceProvider.GetRequiredService<NotificationPlanner>();
            var now = time.GetUtcNow();
            var due = await db.Deliveries
                .Where(d => d.Status == NotificationStatus.Held && d.DigestId == null && d.DueAt <= now
                    && !db.Deliveries.Any(p => p.Id == d.AfterId
                        && (p.Status == NotificationStatus.Held || p.Status == NotificationStatus.Sending)))
                .OrderBy(d => d.DueAt)
                .Take(Batch)
                .ToListAsync(ct);
            foreach (var delivery in due)
            {
                delivery.Version++;
                planner.Enqueue(delivery);
            }
            await db.SaveChangesAsync(ct);
            return due.Count;
        }, cancellationToken);
}
