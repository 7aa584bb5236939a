using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Processing.Data;

namespace Nop.Processing.Maintenance;

// Keeps the MaintenanceCalendar in step with the database: loaded at start (before the partitions tick, so a sensor
// in maintenance is not reported offline right after a restart) and every MaintenanceRefreshInterval after, since the
// step command for a sensor may be handled by another instance than the one holding the sensor's partition.
public sealed class MaintenanceCalendarRefresher(
    IDbContextFactory<ProcessingDbContext> databases,
    MaintenanceCalendar calendar,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<MaintenanceCalendarRefresher> logger) : BackgroundService
{
    // Periods that ended longer ago matter to no window still open: Ingest takes readings up to 24 h old.
    private static readonly TimeSpan Lookback = TimeSpan.FromDays(2);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Maintenance periods could not be loaded at start; trying again shortly");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MaintenanceRefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Refreshing the maintenance periods failed; the last ones known stay");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var readAt = calendar.Changes;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // Filtered by time here: SQLite cannot compare DateTimeOffset in SQL, and the table stays small.
        var rows = await db.MaintenancePeriods.AsNoTracking().Where(m => !m.Compensated)
            .ToListAsync(cancellationToken);
        var since = time.GetUtcNow() - Lookback;
        calendar.Replace(rows.Where(r => r.To > since)
            .Select(r => new MaintenancePeriod(r.MaintenanceId, r.SensorId, r.From, r.To)), readAt);
    }
}
