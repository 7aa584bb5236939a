using Nop.Contracts;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>The threshold state machine on closed windows (residential by day: 55 dB(A); K = 3, M = 3, hysteresis 3 dB).</summary>
public sealed class RuleTests
{
    [Fact]
    public void The_level_rule_fires_after_three_consecutive_windows_above_the_threshold_and_keeps_reporting_while_above()
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
        s.CloseAll("s1", Noon.AddMinutes(9));
        s.Cleared.ShouldBeEmpty();

        s.Windows("s1", Noon.AddHours(2), 50);
        s.CloseAll("s1", Noon.AddHours(2));

        // The third: the 40 dB window 13:09 that the first CloseAll opened.
        var cleared = s.Cleared.ShouldHaveSingleItem();
        cleared.Rule.ShouldBe(AlertRule.Level);
        cleared.WindowStart.ShouldBe(Noon.AddMinutes(69));
        cleared.Level.ShouldBe(40);
        cleared.Threshold.ShouldBe(55);
        s.Outputs.Single(o => o.Message is NoiseThresholdCleared).RoutingKey.ShouldBe("noise.threshold.cleared.s1");
        s.Exceeded.Count().ShouldBe(1, "below-threshold windows never report exceeded");
    }

    [Fact]
    public void The_same_level_exceeds_the_night_threshold_but_not_the_day_threshold()
    {
        var s = new AggregatorScenario();
        var evening = At("2026-01-05T22:57:00Z");

        // 50 dB(A): not above the evening threshold (50), above the night threshold (45) from 23:00.
        s.Windows("s1", evening, 50, 50, 50, 50, 50, 50);
        s.CloseAll("s1", evening.AddMinutes(6));

        s.Levels.Select(l => l.Period).Take(6).ShouldBe([DayPeriod.Evening, DayPeriod.Evening, DayPeriod.Evening, DayPeriod.Night, DayPeriod.Night, DayPeriod.Night]);
        var exceeded = s.Exceeded.ShouldHaveSingleItem();
        exceeded.WindowStart.ShouldBe(At("2026-01-05T23:02:00Z"));
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

        s.Levels.Where(l => l.WindowStart == Noon).Select(l => (l.SensorId, l.Threshold)).ShouldBe([("c1", 65.0), ("q1", 50.0), ("i1", 70.0)]);
    }

    [Fact]
    public void More_than_five_spikes_in_one_window_fires_the_spike_rate_rule()
    {
        var s = new AggregatorScenario();
        for (var i = 0; i < 5; i++)
        {
            s.Send("s1", Noon.AddSeconds(i), 70, lamax: 101);
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
}
