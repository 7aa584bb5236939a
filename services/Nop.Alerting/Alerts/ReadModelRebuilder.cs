using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Data;

namespace Nop.Alerting.Alerts;

// Replays alert_events into an emptied alerts table, in one transaction.
public static class ReadModelRebuilder
{
    private const int Chunk = 500;

    // Rebuilds the read model; returns the number of alerts written.
    public static async Task<int> RebuildAsync(AlertingDbContext db, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Alerts.ExecuteDeleteAsync(cancellationToken);
        var ids = await db.AlertEvents.Select(e => e.AlertId).Distinct().ToListAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var events = await db.AlertEvents.AsNoTracking()
                .Where(e => chunk.Contains(e.AlertId))
                .ToListAsync(cancellationToken);
            foreach (var history in events.GroupBy(e => e.AlertId))
            {
                Alert? alert = null;
                foreach (var e in history.OrderBy(e => e.Sequence))
                {
                    alert = AlertProjection.Apply(alert, e);
                }
                db.Alerts.Add(alert!);
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        await transaction.CommitAsync(cancellationToken);
        return ids.Count;
    }
}
