using Microsoft.Extensions.Options;
using Nop.Contracts;

namespace Nop.History.Indicators;

// The day-evening-night indicators of Directive 2002/49/EC Annex I from a day's hours, and their energy averages over
// months and years.
public sealed class DayIndicators(LocalCalendar calendar, IOptions<HistoryOptions> options)
{
    private const double SecondsPerHour = 3600;

    private readonly LocalCalendar _calendar = calendar;
    private readonly double _minCoverage = options.Value.MinCoverage;

    // One sensor's day from its hours (keyed by the instant each local hour begins; any hour outside the day is
    // ignored). Each period's level is the energy average over its covered time; a period covered less than
    // MinCoverage is flagged (Sufficient false) and the day then has no Lden. The day's Lday, Levening and Lnight
    // are those of sufficient periods only (null otherwise), so a figure that is exported or averaged over a month
    // never rests on too little data; the flagged period keeps its level in Day, Evening or Night for display.
    public SensorDayIndicators Compute(string sensorId, Zone zone, DateOnly date,
        IReadOnlyDictionary<DateTimeOffset, LevelAggregate> hours, int alertEpisodes) =>
        Compute(sensorId, zone, _calendar.Day(date), hours, alertEpisodes);

    // The same with the day's hours and periods worked out once (LocalCalendar.Day) for all sensors of a day table.
    public SensorDayIndicators Compute(string sensorId, Zone zone, LocalDay localDay,
        IReadOnlyDictionary<DateTimeOffset, LevelAggregate> hours, int alertEpisodes)
    {
        var (date, start, end) = (localDay.Date, localDay.Start, localDay.End);
        // Indexed by DayPeriod (Day, Evening, Night).
        var sums = new[] { new LevelAggregate(), new LevelAggregate(), new LevelAggregate() };
        var seconds = new double[3];
        var day = new LevelAggregate();
        // A period's length is its actual clock hours that day: the night of a spring-forward day is an hour short.
        foreach (var (hour, period) in localDay.Hours)
        {
            if (hours.TryGetValue(hour, out var aggregate))
            {
                sums[(int)period].Merge(aggregate);
                day.Merge(aggregate);
            }
            seconds[(int)period] += SecondsPerHour;
        }
        var dayPeriod = Period((sums[(int)DayPeriod.Day], seconds[(int)DayPeriod.Day]));
        var evening = Period((sums[(int)DayPeriod.Evening], seconds[(int)DayPeriod.Evening]));
        var night = Period((sums[(int)DayPeriod.Night], seconds[(int)DayPeriod.Night]));
        double? lday = dayPeriod.Sufficient ? dayPeriod.Level : null;
        double? levening = evening.Sufficient ? evening.Level : null;
        double? lnight = night.Sufficient ? night.Level : null;
        double? lden = lday is { } d && levening is { } e && lnight is { } n ? Lden(d, e, n) : null;
        var coverage = Math.Min(1, day.CoveredSeconds / (end - start).TotalSeconds);
        return new SensorDayIndicators(sensorId, zone, date, start, end, lday, levening, lnight, lden, coverage,
            day.ExceedanceSeconds / 60, alertEpisodes, dayPeriod, evening, night);
    }

    // Lden = 10·lg{(1/24)·[Hd·10^(Lday/10) + He·10^((Levening+5)/10) + Hn·10^((Lnight+10)/10)]} with the nominal
    // period lengths Hd, He, Hn (12, 4, 8 by default).
    public double Lden(double lday, double levening, double lnight) =>
        10 * Math.Log10((
            (_calendar.NominalHours(DayPeriod.Day) * Energy(lday))
            + (_calendar.NominalHours(DayPeriod.Evening) * Energy(levening + 5))
            + (_calendar.NominalHours(DayPeriod.Night) * Energy(lnight + 10))) / 24);

    // One point over several days (a month, a year): Lden, Lnight, Lday, Levening as energy averages over the days
    // that have all three periods sufficiently covered; exceedance and episodes summed over all days. Lnight too
    // counts only those valid days, not every day whose night alone was sufficient, so a month's Lden and Lnight
    // describe the same days and can be compared with each other.
    public static IndicatorPoint Combine(DateOnly from, DateOnly to, IReadOnlyList<SensorDayIndicators> days)
    {
        var valid = days.Where(d => d.Lden is not null).ToList();
        return new IndicatorPoint(from, to,
            EnergyAverage(valid.Select(d => d.Lden!.Value)),
            EnergyAverage(valid.Select(d => d.Lnight!.Value)),
            EnergyAverage(valid.Select(d => d.Lday!.Value)),
            EnergyAverage(valid.Select(d => d.Levening!.Value)),
            days.Count, valid.Count, days.Sum(d => d.ExceedanceMinutes), days.Sum(d => d.AlertEpisodes));
    }

    private PeriodIndicator Period((LevelAggregate Sum, double Seconds) period)
    {
        var coverage = period.Seconds > 0 ? Math.Min(1, period.Sum.CoveredSeconds / period.Seconds) : 0;
        var sufficient = period.Sum.Laeq is not null && coverage >= _minCoverage;
        return new PeriodIndicator(period.Sum.Laeq, coverage, sufficient, period.Sum.ExceedanceSeconds / 60);
    }

    private static double Energy(double level) => Math.Pow(10, level / 10);

    private static double? EnergyAverage(IEnumerable<double> levels)
    {
        var energies = levels.Select(Energy).ToList();
        return energies.Count > 0 ? 10 * Math.Log10(energies.Average()) : null;
    }
}
