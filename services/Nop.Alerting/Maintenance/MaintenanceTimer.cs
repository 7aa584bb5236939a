using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Alerting.Data;
using Nop.Contracts;

namespace Nop.Alerting.Maintenance;

// The saga's durable timer: every PollInterval it looks for sagas whose pending step timed out or whose period is over
// (maintenances.due_at, a row that survives restarts) and lets MaintenanceProcess decide. Every replica runs it; two
// deciding on one saga race on its Version, and the loser finds it no longer due.
public sealed class MaintenanceTimer(IServiceScopeFactory scopes, IOptions<MaintenanceOptions> options,
    TimeProvider time, ILogger<MaintenanceTimer> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The rows stay due: the next tick tries again (e.g. after a database outage).
                    logger.LogWarning(ex, "Advancing due maintenances failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Decides every due saga; returns how many advanced.
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AlertingDbContext>();
            due = await db.Maintenances.AsNoTracking()
                .Where(m => m.DueAt != null && m.DueAt <= now && m.State != MaintenanceState.Ended
                    && m.State != MaintenanceState.Compensated && m.State != MaintenanceState.Failed)
                .OrderBy(m => m.DueAt).Select(m => m.Id).Take(Batch).ToListAsync(cancellationToken);
        }
        var advanced = 0;
        foreach (var id in due)
        {
            // A scope (and unit of work) per saga: one that fails does not hold up the others.
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                advanced += await scope.ServiceProvider.GetRequiredService<MaintenanceProcess>()
                    .DueAsync(id, cancellationToken) ? 1 : 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Advancing maintenance {MaintenanceId} failed; tried again next tick", id);
            }
        }
        return advanced;
    }
}
