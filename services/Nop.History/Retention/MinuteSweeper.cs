using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.History.Data;
using Nop.Persistence;

namespace Nop.History.Retention;

// Deletes minute rows older than MinuteRetention, in bounded batches, every SweepInterval. Hours and alert episodes
// are kept: every figure older than the retention comes from them.
public sealed class MinuteSweeper(
    IDbContextFactory<HistoryDbContext> databases,
    DatabaseResilience resilience,
    IOptions<HistoryOptions> history,
    IOptions<MinuteRetentionOptions> options,
    TimeProvider time,
    ILogger<MinuteSweeper> logger) : BackgroundService
{
    // Deletes every expired minute row; returns how many.
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - history.Value.MinuteRetention;
        var batch = options.Value.DeleteBatch;
        var total = 0;
        int deleted;
        do
        {
            deleted = await resilience.UntilAvailableAsync(async ct =>
            {
                await using var db = await databases.CreateDbContextAsync(ct);
                // The oldest rows first, through the window_start index; keys rather than a LIMITed DELETE, which
                // neither provider spells the same way.
                var expired = db.Minutes.Where(m => m.WindowStart < cutoff).OrderBy(m => m.WindowStart).Take(batch);
                return await db.Minutes
                    .Where(m => expired.Any(e => e.SensorId == m.SensorId && e.WindowStart == m.WindowStart))
                    .ExecuteDeleteAsync(ct);
            }, cancellationToken);
            total += deleted;
        }
        while (deleted == batch);
        if (total > 0)
        {
            logger.LogInformation("Deleted {Count} minute row(s) older than {Cutoff:O}", total, cutoff);
        }
        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "The minute retention sweep failed; it runs again in {Interval}",
                        options.Value.SweepInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
