using Microsoft.EntityFrameworkCore;
using Nop.Processing.Aggregation;

namespace Nop.Processing.Data;

// Reads a checkpoint of the previous version (a SensorStateRow per sensor and a
// WindowReadingRow per reading kept) and converts it with LegacyCheckpoint. The
// partition's next checkpoint is then a snapshot, which deletes the old rows (DeleteAsync).
internal static class LegacyStateStore
{
    // Adds the partition's converted sensors to sensors; false when it has none.
    public static async Task<bool> LoadAsync(ProcessingDbContext db, int partition, ProcessingOptions options,
        IDictionary<string, SensorAggregate> sensors, CancellationToken cancellationToken)
    {
        var rows = await db.SensorStates.AsNoTracking().Where(s => s.Partition == partition)
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return false;
        }
        var readings = (await db.WindowReadings.AsNoTracking()
                .Where(r => db.SensorStates.Any(s => s.SensorId == r.SensorId && s.Partition == partition))
                .ToListAsync(cancellationToken))
            .ToLookup(r => r.SensorId, r => new LegacyReading(r.ReadingId, r.WindowStart, r.Laeq, r.Lamax, r.Duration),
                StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var sensor = LegacyCheckpoint.Convert(row.State, readings[row.SensorId], options);
            sensors[sensor.SensorId] = sensor;
        }
        return true;
    }

    // Deletes the partition's rows of the previous format (none once it has been converted).
    public static async Task DeleteAsync(ProcessingDbContext db, int partition, CancellationToken cancellationToken)
    {
        await db.WindowReadings
            .Where(r => db.SensorStates.Any(s => s.SensorId == r.SensorId && s.Partition == partition))
            .ExecuteDeleteAsync(cancellationToken);
        await db.SensorStates.Where(s => s.Partition == partition).ExecuteDeleteAsync(cancellationToken);
    }
}
