using Microsoft.EntityFrameworkCore;
using Nop.History.Data;
using Nop.History.Indicators;

namespace Nop.History.Queries;

// Level-alert episodes per sensor and local day. Processing reports every window above the limit while the level rule
// is open and one cleared event when it closes, so an episode begins at an exceeded event whose predecessor (by window
// time) is a cleared event or nothing; it counts on the local date of that window.
public sealed class EpisodeCounter(HistoryDbContext db, LocalCalendar calendar)
{
    public async Task<Dictionary<(string SensorId, DateOnly Date), int>> CountAsync(string? sensorId, DateOnly first,
        DateOnly last, CancellationToken cancellationToken)
    {
        var rows = db.LevelAlertEvents.AsNoTracking().Where(e => e.LocalDate >= first && e.LocalDate <= last);
        if (sensorId is not null)
        {
            rows = rows.Where(e => e.SensorId == sensorId);
        }
        var events = await rows.ToListAsync(cancellationToken);

        var start = calendar.DayBounds(first).Start;
        var counts = new Dictionary<(string, DateOnly), int>();
        foreach (var sensor in events.GroupBy(e => e.SensorId))
        {
            // An episode may have begun before the range: the sensor's last event before it says whether one is open.
            var open = await db.LevelAlertEvents.AsNoTracking()
                .Where(e => e.SensorId == sensor.Key && e.WindowStart < start)
                .OrderByDescending(e => e.WindowStart)
                .Select(e => !e.Cleared)
                .FirstOrDefaultAsync(cancellationToken);
            foreach (var alertEvent in sensor.OrderBy(e => e.WindowStart))
            {
                if (!alertEvent.Cleared && !open)
                {
                    var key = (sensor.Key, alertEvent.LocalDate);
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
                open = !alertEvent.Cleared;
            }
        }
        return counts;
    }
}
