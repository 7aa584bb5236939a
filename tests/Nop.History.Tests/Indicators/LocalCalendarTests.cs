using Nop.Contracts;
using Nop.History.Indicators;

namespace Nop.History.Tests.Indicators;

[Trait("Category", "Unit")]
public sealed class LocalCalendarTests
{
    private static readonly LocalCalendar Vienna = new(Windows.Options());

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) =>
        new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void An_ordinary_day_runs_24_hours_from_local_midnight()
    {
        // 2026-06-01 in Vienna is summer time (+02:00): 2026-05-31 22:00 UTC to 2026-06-01 22:00 UTC.
        Vienna.DayBounds(new DateOnly(2026, 6, 1)).ShouldBe((Utc(5, 31, 22), Utc(6, 1, 22)));
        Vienna.Hours(new DateOnly(2026, 6, 1)).Count().ShouldBe(24);
    }

    [Fact]
    public void The_spring_forward_day_has_23_hours_and_no_2_oclock()
    {
        // 2026-03-29: 00:00+01:00 = 03-28 23:00 UTC; at 01:00 UTC 02:00+01:00 becomes 03:00+02:00; the next
        // midnight is 00:00+02:00 = 03-29 22:00 UTC.
        var date = new DateOnly(2026, 3, 29);
        Vienna.DayBounds(date).ShouldBe((Utc(3, 28, 23), Utc(3, 29, 22)));
        var hours = Vienna.Hours(date).ToList();
        hours.Count.ShouldBe(23);
        hours.Select(h => TimeZoneInfo.ConvertTime(h, Vienna.TimeZone).Hour).ShouldNotContain(2);
        // Night 00, 01, 03–06 and 23: 7 hours; day 12; evening 4.
        hours.Count(h => Vienna.PeriodOf(h) == DayPeriod.Night).ShouldBe(7);
        hours.Count(h => Vienna.PeriodOf(h) == DayPeriod.Day).ShouldBe(12);
        hours.Count(h => Vienna.PeriodOf(h) == DayPeriod.Evening).ShouldBe(4);
    }

    [Fact]
    public void The_fall_back_day_has_25_hours_and_two_different_2_oclock_hours()
    {
        // 2026-10-25: 00:00+02:00 = 10-24 22:00 UTC; 02:00+02:00 = 00:00 UTC, then 02:00+01:00 = 01:00 UTC; the next
        // midnight is 00:00+01:00 = 10-25 23:00 UTC.
        var date = new DateOnly(2026, 10, 25);
        Vienna.DayBounds(date).ShouldBe((Utc(10, 24, 22), Utc(10, 25, 23)));
        Vienna.Hours(date).Count().ShouldBe(25);

        var first = Vienna.HourStart(Utc(10, 25, 0, 30));
        var second = Vienna.HourStart(Utc(10, 25, 1, 30));
        first.ShouldBe(Utc(10, 25, 0));
        second.ShouldBe(Utc(10, 25, 1));
        (first.Hour, first.Offset, second.Hour, second.Offset)
            .ShouldBe((2, TimeSpan.FromHours(2), 2, TimeSpan.FromHours(1)));
        Vienna.Hours(date).Count(h => Vienna.PeriodOf(h) == DayPeriod.Night).ShouldBe(9);
    }

    [Fact]
    public void Instants_fall_on_their_local_date()
    {
        // 22:30 UTC on 31 May is 00:30 on 1 June in Vienna.
        Vienna.DateOf(Utc(5, 31, 22, 30)).ShouldBe(new DateOnly(2026, 6, 1));
        Vienna.DateOf(Utc(5, 31, 21, 59)).ShouldBe(new DateOnly(2026, 5, 31));
    }

    [Fact]
    public void In_a_half_hour_zone_hours_begin_at_half_past_UTC()
    {
        // Asia/Kolkata is +05:30: 10:10 UTC is 15:40 local, in the hour from 15:00 local = 09:30 UTC.
        var kolkata = new LocalCalendar(Windows.Options("Asia/Kolkata"));
        kolkata.HourStart(Utc(6, 1, 10, 10)).ShouldBe(Utc(6, 1, 9, 30));
        kolkata.DayBounds(new DateOnly(2026, 6, 1)).ShouldBe((Utc(5, 31, 18, 30), Utc(6, 1, 18, 30)));
        // 13:30 UTC is 19:00 local: the evening.
        kolkata.PeriodOf(Utc(6, 1, 13, 30)).ShouldBe(DayPeriod.Evening);
    }

    [Fact]
    public void A_half_hour_zone_with_summer_time_has_23_hour_days_too()
    {
        // Australia/Adelaide goes from +09:30 to +10:30 at 02:00 on 2026-10-04: 10-03 14:30 UTC to 10-04 13:30 UTC.
        var adelaide = new LocalCalendar(Windows.Options("Australia/Adelaide"));
        adelaide.DayBounds(new DateOnly(2026, 10, 4)).ShouldBe((Utc(10, 3, 14, 30), Utc(10, 4, 13, 30)));
        adelaide.Hours(new DateOnly(2026, 10, 4)).Count().ShouldBe(23);
    }

    [Theory]
    [InlineData(6, 18, 22, 5, DayPeriod.Night)]
    [InlineData(6, 18, 22, 6, DayPeriod.Day)]
    [InlineData(6, 18, 22, 18, DayPeriod.Evening)]
    [InlineData(6, 18, 22, 22, DayPeriod.Night)]
    [InlineData(7, 19, 23, 6, DayPeriod.Night)]
    [InlineData(7, 19, 23, 7, DayPeriod.Day)]
    [InlineData(7, 19, 23, 23, DayPeriod.Night)]
    [InlineData(22, 6, 18, 23, DayPeriod.Day)] // day from 22 across midnight to 06
    [InlineData(22, 6, 18, 3, DayPeriod.Day)]
    [InlineData(22, 6, 18, 12, DayPeriod.Evening)]
    public void Each_local_hour_lies_in_the_configured_period(int day, int evening, int night, int localHour,
        DayPeriod expected)
    {
        var calendar = new LocalCalendar(Windows.Options(day: day, evening: evening, night: night));
        // June in Vienna: local hour h begins at h − 2 UTC.
        calendar.PeriodOf(new DateTimeOffset(2026, 6, 15, localHour, 0, 0, TimeSpan.FromHours(2)))
            .ShouldBe(expected);
    }

    [Theory]
    [InlineData(7, 19, 23, 12, 4, 8)]
    [InlineData(6, 18, 22, 12, 4, 8)]
    [InlineData(6, 20, 22, 14, 2, 8)]
    [InlineData(22, 6, 18, 8, 12, 4)]
    public void Nominal_lengths_follow_the_bounds(int day, int evening, int night, int hd, int he, int hn)
    {
        var calendar = new LocalCalendar(Windows.Options(day: day, evening: evening, night: night));
        (calendar.NominalHours(DayPeriod.Day), calendar.NominalHours(DayPeriod.Evening),
            calendar.NominalHours(DayPeriod.Night)).ShouldBe((hd, he, hn));
    }

    [Fact]
    public void Where_the_clocks_jump_over_midnight_the_day_begins_at_the_jump()
    {
        // America/Santiago springs from 00:00−04:00 to 01:00−03:00 on 2026-09-06: the day begins at 04:00 UTC.
        var santiago = new LocalCalendar(Windows.Options("America/Santiago"));
        var (start, end) = santiago.DayBounds(new DateOnly(2026, 9, 6));
        start.ShouldBe(Utc(9, 6, 4));
        end.ShouldBe(Utc(9, 7, 3));
        santiago.Hours(new DateOnly(2026, 9, 6)).Count().ShouldBe(23);
    }
}
