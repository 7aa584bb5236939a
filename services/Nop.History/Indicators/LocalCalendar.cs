using Microsoft.Extensions.Options;
using Nop.Contracts;

namespace Nop.History.Indicators;

// Local clock hours and calendar days in the deployment's IANA zone, and the period (day, evening, night) of each
// hour. A day runs from local midnight to local midnight: 23 or 25 hours on the days the clocks change. Hours are
// local clock hours, identified by the instant they begin (the repeated hour of an autumn night is two hours).
public sealed class LocalCalendar
{
    private readonly int _dayStart;
    private readonly int _eveningStart;
    private readonly int _nightStart;

    public LocalCalendar(IOptions<HistoryOptions> options)
    {
        var value = options.Value;
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(value.TimeZone);
        (_dayStart, _eveningStart, _nightStart) = (value.DayStartHour, value.EveningStartHour, value.NightStartHour);
    }

    public TimeZoneInfo TimeZone { get; }

    // The start of the local clock hour that holds the instant. Truncating the local time keeps its offset, so in a
    // zone at +05:30 hours begin at :30 UTC, and the two 02:00 hours of an autumn night stay apart.
    public DateTimeOffset HourStart(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        return new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
    }

    // The local date of the instant.
    public DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    // [local midnight, next local midnight) of the date, as instants.
    public (DateTimeOffset Start, DateTimeOffset End) DayBounds(DateOnly date) =>
        (Midnight(date), Midnight(date.AddDays(1)));

    // The local clock hours of the date, by the instants they begin: 23, 24 or 25 of them.
    public IEnumerable<DateTimeOffset> Hours(DateOnly date)
    {
        var (start, end) = DayBounds(date);
        for (var hour = start; hour < end; hour = hour.AddHours(1))
        {
            yield return hour;
        }
    }

    // The date's bounds and each of its hours with its period, worked out once: a day table computes every sensor's
    // day from it instead of converting each sensor's 24 hours to the local zone again.
    public LocalDay Day(DateOnly date)
    {
        var (start, end) = DayBounds(date);
        var hours = new List<(DateTimeOffset, DayPeriod)>(25);
        for (var hour = start; hour < end; hour = hour.AddHours(1))
        {
            hours.Add((hour, PeriodOf(hour)));
        }
        return new LocalDay(date, start, end, hours);
    }

    // The period of the local clock hour beginning at hourStart.
    public DayPeriod PeriodOf(DateTimeOffset hourStart)
    {
        var hour = TimeZoneInfo.ConvertTime(hourStart, TimeZone).Hour;
        return Within(hour, _dayStart, _eveningStart) ? DayPeriod.Day
            : Within(hour, _eveningStart, _nightStart) ? DayPeriod.Evening
            : DayPeriod.Night;
    }

    // A period's nominal length in hours from the configured bounds (12, 4 and 8 by default): the weights of Lden.
    public int NominalHours(DayPeriod period) => period switch
    {
        DayPeriod.Day => Length(_dayStart, _eveningStart),
        DayPeriod.Evening => Length(_eveningStart, _nightStart),
        _ => Length(_nightStart, _dayStart),
    };

    // Local midnight as an instant. Where the clocks jump over midnight the day begins at the jump; where midnight
    // happens twice it begins at the first.
    private DateTimeOffset Midnight(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        if (TimeZone.IsInvalidTime(local))
        {
            // The offset in force before the jump puts local midnight at the instant of the jump.
            var before = TimeZone.GetUtcOffset(local.AddHours(-3));
            return TimeZoneInfo.ConvertTime(new DateTimeOffset(local, before), TimeZone);
        }
        var offset = TimeZone.IsAmbiguousTime(local)
            ? TimeZone.GetAmbiguousTimeOffsets(local).Max()
            : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private static bool Within(int hour, int from, int to) =>
        from < to ? hour >= from && hour < to : hour >= from || hour < to;

    private static int Length(int from, int to) => (to - from + 24) % 24;
}

// A local date's [Start, End) and its clock hours with their periods (LocalCalendar.Day).
public sealed record LocalDay(DateOnly Date, DateTimeOffset Start, DateTimeOffset End,
    IReadOnlyList<(DateTimeOffset Start, DayPeriod Period)> Hours);
