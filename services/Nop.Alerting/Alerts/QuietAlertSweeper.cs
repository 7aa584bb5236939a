using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;

namespace Nop.Alerting.Alerts;

/// <summary>
/// Spikes and sensor faults have no "cleared" event: their alerts resolve once their sensor has been quiet for
/// <see cref="AlertingOptions.SpikeQuietPeriod"/> / <see cref="AlertingOptions.FaultQuietPeriod"/> (measured from the
/// last report, which every report records as a raise, escalation or recurrence event). Also trims old inbox and
/// sent outbox rows. Runs on the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
public sealed class QuietAlertSweeper(IServiceScopeFactory scopes, IOptions<AlertingOptions> alerting, IOptions<OutboxOptions> outbox,
    TimeProvider time, ILogger<QuietAlertSweeper> logger) : BackgroundService
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

    /// <summary>Resolves quiet spike and fault alerts; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<AlertLedger>();
        var options = alerting.Value;
        var now = time.GetUtcNow();
        var spikeCutoff = now - options.SpikeQuietPeriod;
        var faultCutoff = now - options.FaultQuietPeriod;

        Expression<Func<Alert, bool>> quiet = a => a.State != AlertState.Resolved
            && ((a.Rule == AlertRule.Spike && a.LastSeenAt < spikeCutoff) || (a.Rule == AlertRule.SensorFault && a.LastSeenAt < faultCutoff));
        var candidates = await ledger.Db.Alerts.AsNoTracking().Where(quiet).OrderBy(a => a.LastSeenAt).Take(500)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        var resolved = 0;
        foreach (var id in candidates)
        {
            // One transaction per alert: a report that arrives for one of them meanwhile makes only that save conflict;
            // it is reloaded, is no longer quiet and stays open, while the others still resolve.
            var done = await ledger.ChangeAsync(async ct =>
            {
                var alert = await ledger.Db.Alerts.Where(a => a.Id == id).Where(quiet).SingleOrDefaultAsync(ct);
                if (alert is null)
                {
                    return false;
                }
                var period = alert.Rule == AlertRule.Spike ? options.SpikeQuietPeriod : options.FaultQuietPeriod;
                ledger.Resolve(alert, string.Create(CultureInfo.InvariantCulture, $"Quiet for {period.TotalMinutes:0.#} min"),
                    new Cause(alert.CorrelationId, null));
                return true;
            }, waitForDatabase: false, cancellationToken);
            resolved += done ? 1 : 0;
        }

        var db = ledger.Db;
        var inboxCutoff = now - options.InboxRetention;
        var outboxCutoff = now - outbox.Value.Retention;
        await db.Inbox.Where(i => i.HandledAt < inboxCutoff).ExecuteDeleteAsync(cancellationToken);
        await db.Outbox.Where(m => m.SentAt != null && m.SentAt < outboxCutoff).ExecuteDeleteAsync(cancellationToken);
        return resolved;
    }
}
