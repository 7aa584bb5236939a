using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.History.Indicators;

namespace Nop.History.Tests.Indicators;

// Builders for the indicator tests: windows as Processing v2 closes them, hours at a constant level, a calendar.
internal static class Windows
{
    public static NoiseLevelMeasured Minute(DateTimeOffset start, double laeq, double threshold = 55,
        double coverage = 1, IReadOnlyDictionary<int, double>? distribution = null) =>
        new("s-1", Zone.Residential, start, start.AddMinutes(1), laeq, laeq, laeq, laeq, 60, 0, 0, DayPeriod.Day,
            threshold, laeq, coverage,
            distribution ?? new Dictionary<int, double> { [(int)Math.Round(laeq * 10)] = 60 * coverage });

    // An hour covered coveredSeconds at a constant level.
    public static LevelAggregate Hour(double level, double coveredSeconds = 3600)
    {
        var hour = new LevelAggregate
        {
            Energy = coveredSeconds * Math.Pow(10, level / 10),
            CoveredSeconds = coveredSeconds,
            Lamax = level,
        };
        hour.Histogram.Add((int)Math.Round(level * 10), coveredSeconds);
        return hour;
    }

    public static IOptions<HistoryOptions> Options(string timeZone = "Europe/Vienna", int day = 7, int evening = 19,
        int night = 23) =>
        Microsoft.Extensions.Options.Options.Create(new HistoryOptions
        {
            TimeZone = timeZone,
            DayStartHour = day,
            EveningStartHour = evening,
            NightStartHour = night,
        });

    public static DayIndicators Indicators(IOptions<HistoryOptions> options) => new(new LocalCalendar(options), options);
}
