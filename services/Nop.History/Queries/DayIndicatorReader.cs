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

        // Every sensor has the same hours: each hour's local date and each date's periods are worked out once.
        var dates = new Dictionary<DateTimeOffset, DateOnly>();
        var localDays = new Dictionary<DateOnly, LocalDay>();
        var days = new List<SensorDayIndicators>();
        foreach (var day in rows.GroupBy(h => (h.SensorId, Date: DateOf(dates, h.Start)))
                     .OrderBy(d => d.Key.SensorId, StringComparer.Ordinal).ThenBy(d => d.Key.Date))
        {
            var dayHours = day.ToDictionary(h => h.Start, h => h.Aggregate);
            // The zone the sensor was in at its latest hour that day.
            var zone = day.Last().Zone;
            if (!localDays.TryGetValue(day.Key.Date, out var localDay))
            {
                localDays[day.Key.Date] = localDay = calendar.Day(day.Key.Date);
            }
            days.Add(indicators.Compute(day.Key.SensorId, zone, localDay, dayHours,
                episodes.GetValueOrDefault((day.Key.SensorId, day.Key.Date))));
        }
        return days;
    }

    private DateOnly DateOf(Dictionary<DateTimeOffset, DateOnly> dates, DateTimeOffset hour)
    {
        if (!dates.TryGetValue(hour, out var date))
        {
            dates[hour] = date = calendar.DateOf(hour);
        }
        return date;
    }
}
