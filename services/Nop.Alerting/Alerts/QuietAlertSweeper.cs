using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence.Outbox;

namespace Nop.Alerting.Alerts;

// Spikes have no "cleared" event: a spike alert resolves once its sensor has been quiet for
// AlertingOptions.SpikeQuietPeriod in event time, from the measuredAt of its last spike
// (Alert.LastSeenAt) to how far alerting.noise has been consumed (QueueMarkerClock):
// each sweep queues a marker, and the next one judges against the newest marker consumed, so spikes still waiting in
// the queue (Alerting was down, or behind) are handled before their alert can look quiet. Sensor-fault alerts are never
// resolved here: they end with the sensor's recovery (SensorFaultClearedHandler). Also trims old inbox
// and sent outbox rows. Runs on the TimeProvider, so tests drive it with a fake clock.
public sealed class QuietAlertSweeper(IServiceScopeFactory scopes, IOptions<AlertingOptions> alerting,
    IOptions<OutboxOptions> outbox, MessagePublisher publisher, QueueMarkerClock consumed, TimeProvider time,
    ILogger<QuietAlertSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(alerting.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Next tick tries again; a concurrent change of the same alert or a database outage ends up here.
                    logger.LogWarning(ex, "Sweeping quiet alerts failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Queues the next marker, then resolves spike alerts quiet up to the last marker consumed; returns how many.
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Read before queueing this sweep's marker: a sweep judges up to the markers consumed before it began.
        var consumedUpTo = consumed.ConsumedUpTo;
        await QueueMarkerAsync(now, cancellationToken);
        var options = alerting.Value;
        var resolved = 0;
        if (consumedUpTo is { } horizon)
        {
            var cutoff = horizon - options.SpikeQuietPeriod;
            await using var scope = scopes.CreateAsyncScope();
            var ledger = scope.ServiceProvider.GetRequiredService<AlertLedger>();
            Expression<Func<Alert, bool>> quiet = a => a.State != AlertState.Resolved && a.Rule == AlertRule.Spike
                && a.LastSeenAt < cutoff;
            var candidates = await ledger.Db.Alerts.AsNoTracking().Where(quiet).OrderBy(a => a.LastSeenAt).Take(500)
                .Select(a => a.Id).ToListAsync(cancellationToken);
            foreach (var id in candidates)
            {
                // One transaction per alert: a report that arrives for one of them meanwhile makes only that save
                // conflict; it is reloaded, is no longer quiet and stays open, while the others still resolve.
                var done = await ledger.ChangeAsync(async ct =>
                {
                    var alert = await ledger.Db.Alerts.Where(a => a.Id == id).Where(quiet).SingleOrDefaultAsync(ct);
                    if (alert is null)
                    {
                        return false;
                    }
                    ledger.Resolve(alert, string.Create(CultureInfo.InvariantCulture,
                        $"Quiet for {options.SpikeQuietPeriod.TotalMinutes:0.#} min"),
                        new Cause(alert.CorrelationId, null));
                    return true;
                }, waitForDatabase: false, cancellationToken);
                resolved += done ? 1 : 0;
            }
        }

        await using var trimScope = scopes.CreateAsyncScope();
        var db = trimScope.ServiceProvider.GetRequiredService<Data.AlertingDbContext>();
        var inboxCutoff = now - options.InboxRetention;
        var outboxCutoff = now - outbox.Value.Retention;
        await db.Inbox.Where(i => i.HandledAt < inboxCutoff).ExecuteDeleteAsync(cancellationToken);
        await db.Outbox.Where(m => m.SentAt != null && m.SentAt < outboxCutoff).ExecuteDeleteAsync(cancellationToken);
        return resolved;
    }

    // Straight to the queue, behind whatever it holds: through Alerting's own retry exchange, where the queue is bound
    // by its own name (Alerting's broker user may not write the default exchange, which reaches every queue). A refused
    // publish (the queue is full) or a broker outage leaves the horizon where it is: nothing resolves until the queue
    // takes markers again.
    private async Task QueueMarkerAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(Exchanges.RetryOf(Queues.AlertingNoise), Queues.AlertingNoise,
                new AlertingQueueMarker(now), cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not queue a marker on {Queue}; quiet alerts wait for the next one",
                Queues.AlertingNoise);
        }
    }
}
