using Nop.Contracts;
using Nop.History.Indicators;

namespace Nop.History.Tests.Indicators;

[Trait("Category", "Unit")]
public sealed class LevelAggregateTests
{
    private static readonly DateTimeOffset Hour = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_hour_of_30_minutes_at_70_and_30_at_50_has_LAeq_67_0_L10_70_L90_50()
    {
        var hour = new LevelAggregate();
        for (var minute = 0; minute < 60; minute++)
        {
            hour.AddWindow(Windows.Minute(Hour.AddMinutes(minute), minute < 30 ? 70 : 50));
        }

        var point = hour.ToPoint(Hour, Hour.AddHours(1));

        // LAeq = 10·lg[(1800·10^7 + 1800·10^5) / 3600] = 10·lg(5.05·10^6) = 67.03; never (70 + 50) / 2 = 60.
        point.Laeq!.Value.ShouldBe(67.03, 0.005);
        point.L10.ShouldBe(70.0);
        point.L50.ShouldBe(70.0);
        point.L90.ShouldBe(50.0);
        point.Lamax.ShouldBe(70.0);
        point.Coverage.ShouldBe(1.0);
    }

    [Fact]
    public void Covered_seconds_are_coverage_times_window_length_and_set_the_coverage()
    {
        var hour = new LevelAggregate();
        // 45 windows at coverage 0.8: 45 · 0.8 · 60 = 2160 s of 3600 = 0.6.
        for (var minute = 0; minute < 45; minute++)
        {
            hour.AddWindow(Windows.Minute(Hour.AddMinutes(minute), 60, coverage: 0.8));
        }

        hour.CoveredSeconds.ShouldBe(2160, 1e-9);
        hour.ToPoint(Hour, Hour.AddHours(1)).Coverage.ShouldBe(0.6, 1e-12);
        hour.Laeq!.Value.ShouldBe(60, 1e-9);
    }

    [Fact]
    public void The_energy_comes_from_the_exact_LAeq_not_the_tenth_dB_class()
    {
        var hour = new LevelAggregate();
        hour.AddWindow(Windows.Minute(Hour, 63.04));

        hour.Laeq!.Value.ShouldBe(63.04, 1e-9);
        hour.ToPoint(Hour, Hour.AddMinutes(1)).L50.ShouldBe(63.0);
    }

    [Fact]
    public void Exceedance_counts_the_seconds_of_classes_above_each_windows_threshold()
    {
        var hour = new LevelAggregate();
        // Window 1, limit 55: 20 s at 54.0, 30 s at 56.0, 10 s at 60.0 → 40 s above.
        hour.AddWindow(Windows.Minute(Hour, 57, threshold: 55,
            distribution: new Dictionary<int, double> { [540] = 20, [560] = 30, [600] = 10 }));
        // Window 2, limit 45 (the night's): 60 s at 50.0 → 60 s above. Together 100 s.
        hour.AddWindow(Windows.Minute(Hour.AddMinutes(1), 50, threshold: 45));

        hour.ExceedanceSeconds.ShouldBe(100);
    }

    [Fact]
    public void A_window_from_an_older_Processing_counts_as_covered_at_its_LAeq()
    {
        var window = new NoiseLevelMeasured("s-1", Zone.Residential, Hour, Hour.AddMinutes(1), 62.34, 70, 64, 60, 60,
            0, 0, DayPeriod.Day, 55);
        var hour = new LevelAggregate();
        hour.AddWindow(window);

        hour.CoveredSeconds.ShouldBe(60);
        hour.Histogram.Classes.ShouldBe(new Dictionary<int, double> { [623] = 60 });
        hour.ExceedanceSeconds.ShouldBe(60);
        hour.Lamax.ShouldBe(70);
    }

    [Fact]
    public void Merging_hours_adds_energy_time_and_exceedance_and_keeps_the_maximum()
    {
        var a = Windows.Hour(70, 1800);
        a.ExceedanceSeconds = 100;
        var b = Windows.Hour(50, 1800);
        b.ExceedanceSeconds = 20;
        a.Merge(b);

        // As the windows above: 10·lg[(1800·10^7 + 1800·10^5) / 3600] = 67.03.
        a.Laeq!.Value.ShouldBe(67.03, 0.005);
        a.CoveredSeconds.ShouldBe(3600);
        a.ExceedanceSeconds.ShouldBe(120);
        a.Lamax.ShouldBe(70);
        a.Histogram.Exceeded(90).ShouldBe(50.0);
    }

    [Fact]
    public void Nothing_covered_has_no_levels()
    {
        var point = new LevelAggregate().ToPoint(Hour, Hour.AddHours(1));
        point.ShouldBe(new LevelPoint(Hour, Hour.AddHours(1), null, null, null, null, null, 0));
    }
}
