using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Alerting.Data;
using Nop.Contracts;

namespace Nop.Alerting.Alerts;

// Reads the outbox depth, its oldest unsent row and the unresolved alerts by rule every
// AlertingOptions.GaugeInterval, for AlertingMetrics' gauges: three small queries on indexes (ix_outbox_unsent, the
// alerts' state index) however often Prometheus scrapes, and however many instances share the database (each reports
// the same figures: aggregate them with max, not sum). A periodic query rather than figures the outbox relay keeps:
// only the instance holding the relay lease relays, the others would have nothing to report.
public sealed class AlertingGaugeRefresher(IDbContextFactory<AlertingDbContext> databases, AlertingMetrics metrics,
    IOptions<AlertingOptions> options, ILogger<AlertingGaugeRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time, like the outbox lease: tests that fake the clock (alert expiry) must not freeze the gauges.
        using var timer = new PeriodicTimer(options.Value.GaugeInterval, TimeProvider.System);
        try
        {
            do
            {
                try
                {
                    metrics.Update(await ReadAsync(stoppingToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The gauges keep their last figures; a database outage shows in health and in the logs.
                    logger.LogDebug(ex, "Reading the alerting gauges failed; they keep their last values");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<AlertingMetrics.Snapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var unsent = db.Outbox.AsNoTracking().Where(m => m.SentAt == null);
        var depth = await unsent.CountAsync(cancellationToken);
        var oldest = depth == 0
            ? (DateTimeOffset?)null
            : await unsent.OrderBy(m => m.Position).Select(m => (DateTimeOffset?)m.CreatedAt)
                .FirstOrDefaultAsync(cancellationToken);
        var open = await db.Alerts.AsNoTracking().Where(a => a.State != AlertState.Resolved)
            .GroupBy(a => a.Rule).Select(g => new { Rule = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Rule, g => g.Count, cancellationToken);
        return new AlertingMetrics.Snapshot(depth, oldest, open);
    }
}
