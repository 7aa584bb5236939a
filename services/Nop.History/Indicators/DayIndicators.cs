using Microsoft.Extensions.Options;
using Nop.Contracts;

namespace Nop.History.Indicators;

// The day-evening-night indicators of Directive 2002/49/EC Annex I from a day's hours, and their energy averages over
// months and years.
public sealed class DayIndicators(LocalCalendar calendar, IOptions<HistoryOptions> options)
{
    private readonly LocalCalendar _calendar = calendar;
    private readonly double _minCoverage = options.Value.MinCoverage;

    // One sensor's day from its hours (keyed by the instant each local hour begins; any hour outside the day is
    // ignored). Each period's level is the energy average over its covered time; a period covered less than
    // MinCoverage is flagged (Sufficient false) and the day then has no Lden.
    public SensorDayIndicators Compute(string sensorId, Zone zone, DateOnly date,
        IReadOnlyDictionary<DateTimeOffset, LevelAggregate> hours, int alertEpisodes) =>
        throw new NotImplementedException();

    // Lden = 10·lg{(1/24)·[Hd·10^(Lday/10) + He·10^((Levening+5)/10) + Hn·10^((Lnight+10)/10)]} with the nominal
    // period lengths Hd, He, Hn (12, 4, 8 by default).
    public double Lden(double lday, double levening, double lnight) => throw new NotImplementedException();

    // One point over several days (a month, a year): Lden, Lnight, Lday, Levening as energy averages over the days
    // that have all three periods sufficiently covered; exceedance and episodes summed over all days.
    public static IndicatorPoint Combine(DateOnly from, DateOnly to, IReadOnlyList<SensorDayIndicators> days) =>
        throw new NotImplementedException();
}
