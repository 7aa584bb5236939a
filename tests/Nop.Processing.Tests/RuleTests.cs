using Nop.Contracts;
using Nop.Processing.Aggregation;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>
/// The threshold state machine on closed windows (residential by day: 55 dB(A); K = 3, M = 3, hysteresis 3 dB).
/// </summary>
[Trait("Category", "Unit")]
public sealed class RuleTests
{
    [Fact]
    public void The_level_rule_fires_after_three_windows_in_a_row_above_the_threshold_and_keeps_reporting_while_above()
    {
        var s = new AggregatorScenario();
        s.Windows("s1", Noon, 60, 60);
        s.CloseAll("s1", Noon.AddMinutes(2));
        s.Exceeded.ShouldBeEmpty();

        var t = new AggregatorScenario();
        t.Windows("s1", Noon, 60, 60, 61, 62);
        t.CloseAll("s1", Noon.AddMinutes(4));

        t.Exceeded.Select(e => (e.WindowStart, e.ConsecutiveWindows, e.Level, e.Rule)).ShouldBe(
        [
            (Noon.AddMinutes(2), 3, 61.0, AlertRule.Level),
            (Noon.AddMinutes(3), 4, 62.0, AlertRule.Level),
        ]);
        var first = t.Exceeded.First();
        first.Threshold.ShouldBe(55);
        first.Period.ShouldBe(DayPeriod.Day);
        first.WindowEnd.ShouldBe(Noon.AddMinutes(3));
        t.Outputs.First(o => o.Message is NoiseThresholdExceeded).RoutingKey.ShouldBe("noise.threshold.exceeded.s1");
    }

    [Fact]
    public void A_window_at_or_below_the_threshold_breaks_the_run()
    {
        var s = new AggregatorScenario();
        s.Windows("s1", Noon, 60, 60, 55, 60, 60);
        s.CloseAll("s1", Noon.AddMinutes(5));

        s.Exceeded.ShouldBeEmpty();
    }

    [Fact]
    public void The_level_rule_clears_after_three_consecutive_windows_below_the_threshold_minus_the_hysteresis()
    {
        var s = new AggregatorScenario();
        // Open, then 53 and 54 dB are below 55 but not below 52: they do not count, and 53 breaks the run of 50s.
        s.Windows("s1", Noon, 60, 60, 60, 50, 50, 53, 54, 51.9, 50);
        s.Send("s1", Noon.AddMinutes(9).AddSeconds(40), 50); // watermark 12:09:30 closes 12:08
        s.Cleared.ShouldBeEmpty("51.9 and 50 are only two windows below 52");

        s.Send("s1", Noon.AddMinutes(10).AddSeconds(15), 50); // watermark 12:10:05 closes 12:09

        var cleared = s.Cleared.ShouldHaveSingleItem();
        cleared.Rule.ShouldBe(AlertRule.Level);
        cleared.WindowStart.ShouldBe(Noon.AddMinutes(9));
        cleared.Level.ShouldBe(50);
        cleared.Threshold.ShouldBe(55);
        s.Outputs.Single(o => o.Message is NoiseThresholdCleared).RoutingKey.ShouldBe("noise.threshold.cleared.s1");
        s.Exceeded.Count().ShouldBe(1, "below-threshold windows never report exceeded");
    }

    [Fact]
    public void Consecutive_means_adjacent_in_time_a_silent_minute_resets_the_run()
    {
        var s = new AggregatorScenario();
        s.Windows("s1", Noon, 60, 60);
        s.Windows("s1", Noon.AddMinutes(3), 60, 60); // nothing from 12:02 to 12:03
        s.CloseAll("s1", Noon.AddMinutes(5));
        s.Exceeded.ShouldBeEmpty("12:00, 12:01 | 12:03, 12:04: two runs of two");

        var t = new AggregatorScenario();
        t.Windows("s1", Noon, 60, 60);
        t.Windows("s1", Noon.AddMinutes(3), 60, 60, 60);
        t.CloseAll("s1", Noon.AddMinutes(6));

        var exceeded = t.Exceeded.ShouldHaveSingleItem();
        exceeded.WindowStart.ShouldBe(Noon.AddMinutes(5));
        exceeded.ConsecutiveWindows.ShouldBe(3);
    }

    [Fact]
    public void The_spike_rate_rule_clears_only_after_three_adjacent_windows_without_too_many_spikes()
    {
        var s = new AggregatorScenario();
        s.Send("s1", [.. Enumerable.Range(0, 6).Select(i => Reading(Noon.AddSeconds(10 + i), 70, lamax: 105))]);
        s.Windows("s1", Noon.AddMinutes(1), 50, 50);
        s.Windows("s1", Noon.AddMinutes(4), 50, 50); // a gap at 12:03 restarts the count of quiet windows
        s.Send("s1", Noon.AddMinutes(6).AddSeconds(15), 50);
        s.Cleared.ShouldBeEmpty("12:01, 12:02 | 12:04, 12:05");

        s.Send("s1", Noon.AddMinutes(7).AddSeconds(15), 50);

        var cleared = s.Cleared.ShouldHaveSingleItem();
        cleared.Rule.ShouldBe(AlertRule.SpikeRate);
        cleared.WindowStart.ShouldBe(Noon.AddMinutes(6));
    }

    [Fact]
    public void The_same_level_exceeds_the_night_threshold_but_not_the_day_threshold()
    {
        var s = new AggregatorScenario();
        var evening = At("2026-01-05T21:57:00Z");

        // 50 dB(A): not above the evening threshold (50), above the night threshold (45) from 23:00 in Vienna (22:00
        // UTC).
        s.Windows("s1", evening, 50, 50, 50, 50, 50, 50);
        s.CloseAll("s1", evening.AddMinutes(6));

        s.Levels.Select(l => l.Period).Take(6).ShouldBe([DayPeriod.Evening, DayPeriod.Evening, DayPeriod.Evening,
            DayPeriod.Night, DayPeriod.Night, DayPeriod.Night]);
        var exceeded = s.Exceeded.ShouldHaveSingleItem();
        exceeded.WindowStart.ShouldBe(At("2026-01-05T22:02:00Z"));
        exceeded.Threshold.ShouldBe(45);
        exceeded.Period.ShouldBe(DayPeriod.Night);
    }

    [Fact]
    public void Periods_are_read_in_the_configured_time_zone()
    {
        var s = new AggregatorScenario(o => o.Thresholds.TimeZone = "Europe/Amsterdam");

        // 22:10 UTC in January is 23:10 in Amsterdam: night.
        s.Windows("s1", At("2026-01-05T22:10:00Z"), 50);
        s.CloseAll("s1", At("2026-01-05T22:10:00Z"));

        s.Levels.First().Period.ShouldBe(DayPeriod.Night);
        s.Levels.First().Threshold.ShouldBe(45);
    }

    [Fact]
    public void Thresholds_depend_on_the_zone()
    {
        var s = new AggregatorScenario();
        s.Send("c1", Noon.AddSeconds(1), 60, zone: Zone.Commercial);
        s.Send("q1", Noon.AddSeconds(1), 60, zone: Zone.Quiet);
        s.Send("i1", Noon.AddSeconds(1), 60, zone: Zone.Industrial);
        s.Send("c1", Noon.AddHours(1), 60, zone: Zone.Commercial);
        s.Send("q1", Noon.AddHours(1), 60, zone: Zone.Quiet);
        s.Send("i1", Noon.AddHours(1), 60, zone: Zone.Industrial);

        s.Levels.Where(l => l.WindowStart == Noon).Select(l => (l.SensorId, l.Threshold))
            .ShouldBe([("c1", 65.0), ("q1", 50.0), ("i1", 70.0)]);
    }

    [Fact]
    public void More_than_five_spikes_in_one_window_fires_the_spike_rate_rule()
    {
        var s = new AggregatorScenario();
        for (var i = 0; i < 5; i++)
        {
            s.Send("s1", Noon.AddSeconds(i + 1), 70, lamax: 101);
        }
        s.Send("s1", Noon.AddMinutes(1).AddSeconds(1), 70);
        for (var i = 0; i < 6; i++)
        {
            s.Send("s1", Noon.AddMinutes(1).AddSeconds(2 + i), 70, lamax: 100);
        }
        s.CloseAll("s1", Noon.AddMinutes(2));

        s.Levels.Select(l => l.SpikeCount).Take(2).ShouldBe([5, 6]);
        var exceeded = s.Exceeded.ShouldHaveSingleItem();
        exceeded.Rule.ShouldBe(AlertRule.SpikeRate);
        exceeded.WindowStart.ShouldBe(Noon.AddMinutes(1));
        exceeded.Level.ShouldBe(6);
        exceeded.Threshold.ShouldBe(5);
    }

    [Fact]
    public void Output_message_ids_are_deterministic_per_sensor_window_and_event_type()
    {
        var a = new AggregatorScenario();
        var b = new AggregatorScenario();
        foreach (var s in new[] { a, b })
        {
            s.Windows("s1", Noon, 60, 60, 60);
            s.CloseAll("s1", Noon.AddMinutes(3));
        }

        a.Outputs.Select(o => o.MessageId).ShouldBe(b.Outputs.Select(o => o.MessageId));
        a.Outputs.Select(o => o.MessageId).Distinct().Count().ShouldBe(a.Outputs.Count);
    }

    [Theory]
    // Spring forward in Vienna on 2026-03-29 (01:00 UTC): 07:00 local is 05:00 UTC; the day before it is 06:00 UTC.
    [InlineData("2026-03-28T05:59:00Z", DayPeriod.Night)]
    [InlineData("2026-03-28T06:00:00Z", DayPeriod.Day)]
    [InlineData("2026-03-29T04:59:00Z", DayPeriod.Night)]
    [InlineData("2026-03-29T05:00:00Z", DayPeriod.Day)]
    // Fall back on 2026-10-25 (01:00 UTC): 07:00 local is 06:00 UTC again.
    [InlineData("2026-10-25T05:59:00Z", DayPeriod.Night)]
    [InlineData("2026-10-25T06:00:00Z", DayPeriod.Day)]
    // Summer: 19:00 and 23:00 local are 17:00 and 21:00 UTC.
    [InlineData("2026-07-01T16:59:00Z", DayPeriod.Day)]
    [InlineData("2026-07-01T17:00:00Z", DayPeriod.Evening)]
    [InlineData("2026-07-01T21:00:00Z", DayPeriod.Night)]
    public void Periods_are_judged_in_Vienna_local_time_by_default_DST_days_included(string windowStart,
        DayPeriod expected)
    {
        var rules = new WindowRules(new ProcessingOptions());

        rules.PeriodOf(Zone.Residential, At(windowStart)).ShouldBe(expected);
    }

    [Fact]
    public void A_zone_may_judge_its_periods_in_its_own_time_zone()
    {
        var options = new ProcessingOptions();
        options.Thresholds.Quiet.TimeZone = "America/New_York";
        var rules = new WindowRules(options);

        // 2026-03-29 05:00 UTC: 07:00 in Vienna, 01:00 in New York.
        rules.PeriodOf(Zone.Residential, At("2026-03-29T05:00:00Z")).ShouldBe(DayPeriod.Day);
        rules.PeriodOf(Zone.Quiet, At("2026-03-29T05:00:00Z")).ShouldBe(DayPeriod.Night);
    }

    [Fact]
    public void A_sixty_second_reading_stamped_07_00_local_counts_in_the_night_window_before_it()
    {
        var s = new AggregatorScenario();
        var sevenLocal = At("2026-01-05T06:00:00Z"); // 07:00 in Vienna in winter

        s.Send("s1", [Reading(sevenLocal, 50)], interval: 60);
        s.CloseAll("s1", sevenLocal);

        var level = s.Levels.First();
        level.WindowStart.ShouldBe(sevenLocal.AddMinutes(-1));
        level.Period.ShouldBe(DayPeriod.Night);
        level.Threshold.ShouldBe(45);
        level.Coverage.ShouldBe(1);
    }
}
