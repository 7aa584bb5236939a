using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;

namespace Nop.History.Queries;

// Reads hour rows as LevelAggregates: with the histogram only when L10/L50/L90 are wanted (decoding is most of the
// cost of a long series), without it for the indicators, which need energy, coverage and exceedance only.
public sealed class HourReader(HistoryDbContext db)
{
    public async Task<List<(DateTimeOffset Start, LevelAggregate Aggregate)>> WithHistogramsAsync(string sensorId,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rows = await db.Hours.AsNoTracking()
            .Where(h => h.SensorId == sensorId && h.HourStart >= from && h.HourStart < to)
            .OrderBy(h => h.HourStart)
            .Select(h => new { h.HourStart, h.Energy, h.CoveredSeconds, h.Lamax, h.ExceedanceSeconds, h.Histogram })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(h => (h.HourStart, new LevelAggregate
        {
            Energy = h.Energy,
            CoveredSeconds = h.CoveredSeconds,
            Lamax = h.Lamax,
            ExceedanceSeconds = h.ExceedanceSeconds,
            Histogram = LevelHistogram.Decode(h.Histogram),
        }));
    }

    // Every sensor's hours in [from, to), or one sensor's; oldest first.
    public async Task<List<SensorHour>> WithoutHistogramsAsync(string? sensorId, DateTimeOffset from,
        DateTimeOffset to, CancellationToken cancellationToken)
    {
        var hours = db.Hours.AsNoTracking().Where(h => h.HourStart >= from && h.HourStart < to);
        if (sensorId is not null)
        {
            hours = hours.Where(h => h.SensorId == sensorId);
        }
        var rows = await hours
            .OrderBy(h => h.HourStart)
            .Select(h => new
            {
                h.SensorId,
                h.HourStart,
                h.Zone,
                h.Energy,
                h.CoveredSeconds,
                h.Lamax,
                h.ExceedanceSeconds
            })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(h => new SensorHour(h.SensorId, h.HourStart, h.Zone, new LevelAggregate
        {
            Energy = h.Energy,
            CoveredSeconds = h.CoveredSeconds,
            Lamax = h.Lamax,
            ExceedanceSeconds = h.ExceedanceSeconds,
        }));
    }
}

public sealed record SensorHour(string SensorId, DateTimeOffset Start, Zone Zone, LevelAggregate Aggregate);
