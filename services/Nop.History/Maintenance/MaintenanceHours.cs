using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;
using Nop.Messaging;

namespace Nop.History.Maintenance;

// A sensor's non-compensated maintenance periods, for telling whether a window is left out of its hour.
internal sealed class MaintenancePeriods(IEnumerable<(string SensorId, DateTimeOffset From, DateTimeOffset To)> rows)
{
    private readonly ILookup<string, (string SensorId, DateTimeOffset From, DateTimeOffset To)> _bySensor =
        rows.ToLookup(r => r.SensorId, StringComparer.Ordinal);

    public bool IsEmpty => _bySensor.Count == 0;

    public bool Overlaps(string sensorId, DateTimeOffset start, DateTimeOffset end) =>
        _bySensor[sensorId].Any(p => p.From < end && start < p.To);

    // The periods that may overlap a window starting at or after since (one query per batch: the table is small).
    public static async Task<MaintenancePeriods> LoadAsync(HistoryDbContext db, DateTimeOffset since,
        string? sensorId, CancellationToken cancellationToken)
    {
        var query = db.MaintenancePeriods.AsNoTracking().Where(p => !p.Compensated && p.To > since);
        if (sensorId is not null)
        {
            query = query.Where(p => p.SensorId == sensorId);
        }
        var rows = await query.Select(p => new { p.SensorId, p.From, p.To }).ToListAsync(cancellationToken);
        return new MaintenancePeriods(rows.Select(r => (r.SensorId, r.From, r.To)));
    }
}

// History's part of a maintenance step, in the levels writer's transaction (LevelWriter.ApplyMaintenanceAsync): the
// period row, then the sensor's hours the change touches recomputed from their minute rows, leaving out the minutes
// flagged in maintenance or overlapping a non-compensated period.
internal static class MaintenanceHours
{
    // Applies the command; the refusal, or null when done (a repeat is done and changes nothing).
    public static async Task<string?> ApplyAsync(HistoryDbContext db, LocalCalendar calendar,
        MaintenanceStepCommand command, DateTimeOffset now, TimeSpan minuteRetention,
        CancellationToken cancellationToken)
    {
        var row = await db.MaintenancePeriods.FirstOrDefaultAsync(p => p.MaintenanceId == command.MaintenanceId,
            cancellationToken);
        // Hours starting before this may have lost minutes to the retention sweep: they cannot be recomputed.
        var oldest = now - minuteRetention;
        (DateTimeOffset From, DateTimeOffset To)? changed = null;
        if (row is null)
        {
            if (command.Action != MaintenanceAction.Compensate && calendar.HourStart(command.From) < oldest)
            {
                return $"From {command.From:O} is older than History's minute retention " +
                    $"({minuteRetention.TotalDays:0.##} d): the minutes needed to recompute its hours are gone";
            }
            // A compensate whose begin never came leaves a tombstone, so the late begin is refused.
            db.MaintenancePeriods.Add(new MaintenancePeriodRow
            {
                MaintenanceId = command.MaintenanceId,
                SensorId = command.SensorId,
                From = command.From,
                To = command.To,
                Compensated = command.Action == MaintenanceAction.Compensate,
                UpdatedAt = now,
            });
            changed = command.Action == MaintenanceAction.Compensate ? null : (command.From, command.To);
        }
        else if (row.Compensated)
        {
            return MaintenanceSteps.Refusal(command, compensated: true);
        }
        else if (command.Action == MaintenanceAction.End && row.To != command.To)
        {
            // The hours between the old and the new end come back (or, if it was extended, go).
            changed = row.To < command.To ? (row.To, command.To) : (command.To, row.To);
            row.To = command.To;
            row.UpdatedAt = now;
        }
        else if (command.Action == MaintenanceAction.Compensate)
        {
            changed = (row.From, row.To);
            row.Compensated = true;
            row.UpdatedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        if (changed is { } range)
        {
            await RecomputeAsync(db, calendar, command.SensorId, range.From, range.To, oldest, cancellationToken);
        }
        return null;
    }

    // Recomputes the sensor's hours overlapping [from, to) that start at or after oldest.
    public static async Task<int> RecomputeAsync(HistoryDbContext db, LocalCalendar calendar, string sensorId,
        DateTimeOffset from, DateTimeOffset to, DateTimeOffset oldest, CancellationToken cancellationToken)
    {
        var first = calendar.HourStart(from);
        var periods = await MaintenancePeriods.LoadAsync(db, first, sensorId, cancellationToken);
        var hours = 0;
        for (var hour = first; hour < to; hour = hour.AddHours(1))
        {
            if (hour < oldest)
            {
                continue;
            }
            var end = hour.AddHours(1);
            var minutes = await db.Minutes.AsNoTracking()
                .Where(m => m.SensorId == sensorId && m.WindowStart >= hour && m.WindowStart < end)
                .ToListAsync(cancellationToken);
            var aggregate = new LevelAggregate();
            Zone? zone = null;
            foreach (var minute in minutes.OrderBy(m => m.WindowStart))
            {
                if (minute.Maintenance || periods.Overlaps(sensorId, minute.WindowStart, minute.WindowEnd))
                {
                    continue;
                }
                aggregate.AddWindow(Window(minute));
                zone = minute.Zone;
            }
            var row = await db.Hours.FirstOrDefaultAsync(h => h.SensorId == sensorId && h.HourStart == hour,
                cancellationToken);
            if (zone is null)
            {
                // Nothing of the hour counts: no row, as for an hour without readings.
                if (row is not null)
                {
                    db.Hours.Remove(row);
                }
            }
            else
            {
                if (row is null)
                {
                    row = new HourRow { SensorId = sensorId, HourStart = hour, Version = 0 };
                    db.Hours.Add(row);
                }
                row.Zone = zone.Value;
                row.Energy = aggregate.Energy;
                row.CoveredSeconds = aggregate.CoveredSeconds;
                row.Lamax = aggregate.Lamax;
                row.ExceedanceSeconds = aggregate.ExceedanceSeconds;
                row.Histogram = aggregate.Histogram.Encode();
                row.Version++;
            }
            hours++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return hours;
    }

    // The minute row as the window it was stored from (what LevelAggregate.AddWindow reads of it).
    private static NoiseLevelMeasured Window(MinuteRow m) =>
        new(m.SensorId, m.Zone, m.WindowStart, m.WindowEnd, m.Laeq, m.Lamax, m.L10, m.L90, 0, 0, 0, m.Period,
            m.Threshold, m.L50, m.Coverage,
            m.Distribution is { Length: > 0 } bytes ? LevelHistogram.Decode(bytes).Classes : null);
}
