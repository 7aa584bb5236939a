using Microsoft.Extensions.Options;
using Nop.Contracts;

namespace Nop.History.Indicators;

// Local clock hours and calendar days in the deployment's IANA zone, and the period (day, evening, night) of each
// hour. A day runs from local midnight to local midnight: 23 or 25 hours on the days the clocks change. Hours are
// local clock hours, identified by the instant they begin (the repeated hour of an autumn night is two hours).
public sealed class LocalCalendar
{
    public LocalCalendar(IOptions<HistoryOptions> options) => throw new NotImplementedException();

    public TimeZoneInfo TimeZone => throw new NotImplementedException();

    // The start of the local clock hour that holds the instant.
    public DateTimeOffset HourStart(DateTimeOffset instant) => throw new NotImplementedException();

    // The local date of the instant.
    public DateOnly DateOf(DateTimeOffset instant) => throw new NotImplementedException();

    // [local midnight, next local midnight) of the date, as instants.
    public (DateTimeOffset Start, DateTimeOffset End) DayBounds(DateOnly date) => throw new NotImplementedException();

    // The period of the local clock hour beginning at hourStart.
    public DayPeriod PeriodOf(DateTimeOffset hourStart) => throw new NotImplementedException();

    // A period's nominal length in hours from the configured bounds (12, 4 and 8 by default): the weights of Lden.
    public int NominalHours(DayPeriod period) => throw new NotImplementedException();
}
