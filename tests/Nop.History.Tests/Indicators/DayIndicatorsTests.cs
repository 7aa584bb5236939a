using Nop.Contracts;
using Nop.History.Indicators;

namespace Nop.History.Tests.Indicators;

[Trait("Category", "Unit")]
public sealed class DayIndicatorsTests
{
    private static readonly DayIndicators Vienna = Windows.Indicators(Windows.Options());
    private static readonly LocalCalendar Calendar = new(Windows.Options());

    // Every hour of the date at the level levelAt(local hour) gives, fully covered unless covered says otherwise.
    private static Dictionary<DateTimeOffset, LevelAggregate> Day(DateOnly date, Func<int, double> levelAt,
        Func<int, double>? covered = null) =>
        Calendar.Hours(date).ToDictionary(h => h, h =>
        {
            var localHour = TimeZoneInfo.ConvertTime(h, Calendar.TimeZone).Hour;
            return Windows.Hour(levelAt(localHour), covered?.Invoke(localHour) ?? 3600);
        });

    [Fact]
    public void Lden_weights_evening_by_5_dB_and_night_by_10_dB()
    {
        // 65, 60 + 5, 55 + 10 are all 65: 10·lg[(12 + 4 + 8) · 10^6.5 / 24] = 65.
        Vienna.Lden(65, 60, 55).ShouldBe(65, 1e-9);
        // 10·lg[(12·10^6 + 4·10^5.5 + 8·10^6) / 24] = 10·lg(21,264,911 / 24) = 10·lg(886,038) = 59.47.
        Vienna.Lden(60, 50, 50).ShouldBe(59.47, 0.005);
    }

    [Theory]
    [InlineData(2026, 6, 1, 24)]
    [InlineData(2026, 3, 29, 23)]
    [InlineData(2026, 10, 25, 25)]
    public void A_constant_60_dB_day_has_Lden_66_4_on_any_day(int year, int month, int dayOfMonth, int hours)
    {
        var date = new DateOnly(year, month, dayOfMonth);
        var day = Vienna.Compute("s-1", Zone.Residential, date, Day(date, _ => 60), alertEpisodes: 2);

        // 10·lg[(12·10^6 + 4·10^6.5 + 8·10^7) / 24] = 60 + 10·lg[(12 + 12.65 + 80) / 24] = 60 + 6.395 = 66.4,
        // weighted by the nominal 12/4/8 hours also when the night has 7 or 9.
        day.Lden!.Value.ShouldBe(66.395, 0.0005);
        new[] { day.Lday, day.Levening, day.Lnight }.ShouldAllBe(l => l != null && Math.Abs(l.Value - 60) < 1e-9);
        (day.Coverage, day.Day.Coverage, day.Evening.Coverage, day.Night.Coverage).ShouldBe((1.0, 1.0, 1.0, 1.0));
        (day.End - day.Start).ShouldBe(TimeSpan.FromHours(hours));
        day.AlertEpisodes.ShouldBe(2);
    }

    [Fact]
    public void Periods_are_energy_averages_of_their_hours()
    {
        var date = new DateOnly(2026, 6, 1);
        // Day: 6 h at 70 and 6 h at 50 → 10·lg[(6·10^7 + 6·10^5) / 12] = 67.03. Evening 60, night 50.
        var day = Vienna.Compute("s-1", Zone.Residential, date,
            Day(date, h => h is >= 7 and < 13 ? 70 : h is >= 13 and < 19 ? 50 : h is >= 19 and < 23 ? 60 : 50), 0);

        day.Lday!.Value.ShouldBe(67.03, 0.005);
        day.Levening!.Value.ShouldBe(60, 1e-9);
        day.Lnight!.Value.ShouldBe(50, 1e-9);
        // 10·lg[(12·10^6.703 + 4·10^6.5 + 8·10^6) / 24] = 10·lg[(60.6·10^6 + 12.65·10^6 + 8·10^6) / 24] = 65.30.
        day.Lden!.Value.ShouldBe(65.30, 0.005);
    }

    [Fact]
    public void A_night_with_a_gap_is_flagged_and_the_day_has_no_Lden()
    {
        var date = new DateOnly(2026, 6, 1);
        // No data from 00:00 to 03:00: the night holds 5 of its 8 hours = 0.625 < 0.75.
        var hours = Day(date, _ => 55);
        foreach (var hour in Calendar.Hours(date).Take(3))
        {
            hours.Remove(hour);
        }

        var day = Vienna.Compute("s-1", Zone.Residential, date, hours, 0);

        day.Night.Level!.Value.ShouldBe(55, 1e-9);
        (day.Night.Coverage, day.Night.Sufficient, day.Night.ExceedanceMinutes).ShouldBe((0.625, false, 0.0));
        day.Lnight.ShouldBeNull();
        day.Lden.ShouldBeNull();
        day.Lday.ShouldNotBeNull().ShouldBe(55, 1e-9);
        day.Day.Sufficient.ShouldBeTrue();
        // 21 of 24 hours.
        day.Coverage.ShouldBe(0.875, 1e-12);
    }

    [Fact]
    public void Coverage_counts_covered_seconds_not_hours_with_data()
    {
        var date = new DateOnly(2026, 6, 1);
        // Every evening hour covered 40 min: 2/3 < 0.75 → flagged. Every night hour 45 min: exactly 0.75 → counts.
        var day = Vienna.Compute("s-1", Zone.Residential, date,
            Day(date, _ => 50, h => h is >= 19 and < 23 ? 2400 : h is >= 7 and < 19 ? 3600 : 2700), 0);

        day.Evening.Coverage.ShouldBe(2.0 / 3, 1e-12);
        day.Evening.Sufficient.ShouldBeFalse();
        day.Night.Coverage.ShouldBe(0.75, 1e-12);
        day.Night.Sufficient.ShouldBeTrue();
        day.Lden.ShouldBeNull();
    }

    [Fact]
    public void Hours_outside_the_day_are_ignored_and_exceedance_is_summed_per_period()
    {
        var date = new DateOnly(2026, 6, 1);
        var hours = Day(date, _ => 60);
        // 08:00 local (06:00 UTC): 90 s above the limit; 20:00 local: 30 s; 23:00 local: 600 s.
        hours[new DateTimeOffset(2026, 6, 1, 6, 0, 0, TimeSpan.Zero)].ExceedanceSeconds = 90;
        hours[new DateTimeOffset(2026, 6, 1, 18, 0, 0, TimeSpan.Zero)].ExceedanceSeconds = 30;
        hours[new DateTimeOffset(2026, 6, 1, 21, 0, 0, TimeSpan.Zero)].ExceedanceSeconds = 600;
        // The next day's first hour, loud and over the limit, does not count.
        var next = Windows.Hour(90);
        next.ExceedanceSeconds = 3600;
        hours[new DateTimeOffset(2026, 6, 1, 22, 0, 0, TimeSpan.Zero)] = next;

        var day = Vienna.Compute("s-1", Zone.Residential, date, hours, 0);

        (day.Day.ExceedanceMinutes, day.Evening.ExceedanceMinutes, day.Night.ExceedanceMinutes)
            .ShouldBe((1.5, 0.5, 10.0));
        day.ExceedanceMinutes.ShouldBe(12);
        day.Lden!.Value.ShouldBe(66.395, 0.0005);
    }

    [Fact]
    public void Shifted_periods_change_the_weights_only_when_the_lengths_change()
    {
        // 06/18/22 keeps 12/4/8 h: Lden(60, 60, 60) = 66.395 as with 07/19/23.
        Windows.Indicators(Windows.Options(day: 6, evening: 18, night: 22)).Lden(60, 60, 60)
            .ShouldBe(66.395, 0.0005);
        // 06/20/22 gives 14/2/8 h: 10·lg[(14·10^6 + 2·10^6.5 + 8·10^7) / 24] = 60 + 10·lg(100.32 / 24) = 66.21.
        Windows.Indicators(Windows.Options(day: 6, evening: 20, night: 22)).Lden(60, 60, 60)
            .ShouldBe(66.21, 0.005);
    }

    [Fact]
    public void Shifted_periods_move_hours_between_periods()
    {
        var options = Windows.Options(day: 6, evening: 18, night: 22);
        var indicators = Windows.Indicators(options);
        var date = new DateOnly(2026, 6, 1);
        // 06:00 is now day and 22:00 night: day 06–18 at 60, evening 18–22 at 55, night at 45.
        var day = indicators.Compute("s-1", Zone.Residential, date,
            Day(date, h => h is >= 6 and < 18 ? 60 : h is >= 18 and < 22 ? 55 : 45), 0);

        day.Lday!.Value.ShouldBe(60, 1e-9);
        day.Levening!.Value.ShouldBe(55, 1e-9);
        day.Lnight!.Value.ShouldBe(45, 1e-9);
    }

    [Fact]
    public void A_month_is_the_energy_average_of_its_valid_days()
    {
        var from = new DateOnly(2026, 6, 1);
        var days = new[]
        {
            Valid(from, lden: 60, lnight: 50, exceedance: 10, episodes: 1),
            Valid(from.AddDays(1), lden: 70, lnight: 60, exceedance: 20, episodes: 0),
            // Night sufficient at 80 dB but the day short: counts for exceedance and episodes, not for Lnight.
            Valid(from.AddDays(2), lden: null, lnight: 80, exceedance: 5, episodes: 3),
        };

        var month = DayIndicators.Combine(from, new DateOnly(2026, 6, 30), days);

        // Lden: 10·lg[(10^6 + 10^7) / 2] = 10·lg(5.5·10^6) = 67.40; Lnight: 10·lg[(10^5 + 10^6) / 2] = 57.40.
        month.Lden!.Value.ShouldBe(67.40, 0.005);
        month.Lnight!.Value.ShouldBe(57.40, 0.005);
        (month.Days, month.ValidDays, month.ExceedanceMinutes, month.AlertEpisodes).ShouldBe((3, 2, 35.0, 4));
        (month.From, month.To).ShouldBe((from, new DateOnly(2026, 6, 30)));
    }

    [Fact]
    public void A_month_without_valid_days_has_no_levels()
    {
        var from = new DateOnly(2026, 6, 1);
        var month = DayIndicators.Combine(from, from, [Valid(from, lden: null, lnight: 50, exceedance: 0, episodes: 0)]);
        (month.Lden, month.Lnight, month.Lday, month.Levening).ShouldBe((null, null, null, null));
        (month.Days, month.ValidDays).ShouldBe((1, 0));
    }

    private static SensorDayIndicators Valid(DateOnly date, double? lden, double lnight, double exceedance,
        int episodes)
    {
        var period = new PeriodIndicator(60, 1, true, 0);
        var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(2));
        return new SensorDayIndicators("s-1", Zone.Residential, date, start, start.AddDays(1),
            lden is null ? null : 60, lden is null ? null : 60, lnight, lden, 1, exceedance, episodes, period,
            period, period);
    }
}
