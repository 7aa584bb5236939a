using Nop.Contracts;
using Nop.History.Indicators;

namespace Nop.History.Queries;

// The day indicators of the local dates first..last, from the hour rows and the alert episodes: per sensor (or for
// one), per day that has hours. Computed at query time, so a corrected period configuration applies to the past.
public sealed class DayIndicatorReader(HourReader hours, EpisodeCounter episodeCounter, LocalCalendar calendar,
    DayIndicators indicators)
{
    public async Task<List<SensorDayIndicators>> ReadAsync(string? sensorId, DateOnly first, DateOnly last,
        CancellationToken cancellationToken)
    {
        var rows = await hours.WithoutHistogramsAsync(sensorId, calendar.DayBounds(first).Start,
            calendar.DayBounds(last).End, cancellationToken);
        var episodes = await episodeCounter.CountAsync(sensorId, first, last, cancellationToken);

        var days = new List<SensorDayIndicators>();
        foreach (var day in rows.GroupBy(h => (h.SensorId, Date: calendar.DateOf(h.Start)))
                     .OrderBy(d => d.Key.SensorId, StringComparer.Ordinal).ThenBy(d => d.Key.Date))
        {
            var dayHours = day.ToDictionary(h => h.Start, h => h.Aggregate);
            // The zone the sensor was in at its latest hour that day.
            var zone = day.Last().Zone;
            days.Add(indicators.Compute(day.Key.SensorId, zone, day.Key.Date, dayHours,
                episodes.GetValueOrDefault((day.Key.SensorId, day.Key.Date))));
        }
        return days;
    }
}
