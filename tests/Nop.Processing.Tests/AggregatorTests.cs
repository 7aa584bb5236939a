using System.Text.Json;
using Nop.Contracts;
using Nop.Processing.Aggregation;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>The windowed aggregation without a broker: time comes from a fake clock, nothing sleeps.</summary>
public sealed class AggregatorTests
{
    [Fact]
    public void A_window_closes_when_the_sensors_watermark_passes_its_end_and_reports_its_levels()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(5), 20, lamax: 30);
        s.Send("s1", Noon.AddSeconds(30), 50, lamax: 56);
        s.Send("s1", Noon.AddSeconds(59.999), 80);
        s.Send("s1", Noon.AddMinutes(1), 40); // end exclusive: the next window
        s.Send("s1", Noon.AddSeconds(69), 40);
        s.Levels.ShouldBeEmpty("watermark 12:00:59 has not passed the end 12:01:00");

        s.Send("s1", Noon.AddSeconds(70), 40);

        var level = s.Levels.ShouldHaveSingleItem();
        level.ShouldBe(level with
        {
            SensorId = "s1",
            Zone = Zone.Residential,
            WindowStart = Noon,
            WindowEnd = Noon.AddMinutes(1),
            Laeq = 75.23,
            Lamax = 80,
            Count = 3,
            LateCount = 0,
            SpikeCount = 0,
            Period = DayPeriod.Day,
            Threshold = 55,
        });
        level.L10.ShouldBe(74, tolerance: 1e-9);   // 50 + 0.8·30
        level.L90.ShouldBe(26, tolerance: 1e-9);   // 20 + 0.2·30
        s.Outputs.Single(o => o.Message is NoiseLevelMeasured).RoutingKey.ShouldBe("noise.level.s1");
    }

    [Fact]
    public void An_out_of_order_reading_within_the_allowed_lateness_is_merged()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(10), 50);
        s.Send("s1", Noon.AddSeconds(65), 50);             // watermark 12:00:55
        s.Send("s1", Noon.AddSeconds(50), 50).ShouldBe(ReadingOutcome.Counted);

        s.Send("s1", Noon.AddSeconds(80), 50);

        s.Levels.ShouldHaveSingleItem().Count.ShouldBe(2, "12:00:10 and the out-of-order 12:00:50");
    }

    [Fact]
    public void A_reading_whose_window_has_closed_is_counted_as_late_and_never_merged()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(30), 50);
        s.Send("s1", Noon.AddSeconds(70), 60);              // closes 12:00
        s.Levels.ShouldHaveSingleItem().Count.ShouldBe(1);

        s.Send("s1", Noon.AddSeconds(40), 90).ShouldBe(ReadingOutcome.Late);
        s.Send("s1", Noon.AddSeconds(150), 60);             // closes 12:01

        var next = s.Levels.Last();
        next.WindowStart.ShouldBe(Noon.AddMinutes(1));
        next.Count.ShouldBe(1);
        next.Laeq.ShouldBe(60);
        next.LateCount.ShouldBe(1);
        s.Levels.Count().ShouldBe(2, "the late reading never produces or changes a window");
    }

    [Fact]
    public void One_sensors_clock_never_makes_another_sensors_readings_late()
    {
        var s = new AggregatorScenario();
        s.Send("ahead", Noon.AddHours(2), 50);

        s.Send("behind", Noon.AddSeconds(30), 50).ShouldBe(ReadingOutcome.Counted);
        s.Send("behind", Noon.AddSeconds(50), 50).ShouldBe(ReadingOutcome.Counted);

        s.Levels.ShouldBeEmpty();
        s.Aggregator.Sensors["behind"].Windows.ShouldHaveSingleItem().Readings.Count.ShouldBe(2);
    }

    [Fact]
    public void A_silent_sensors_window_is_closed_by_the_wall_clock_timer()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(30), 50);

        // Watermark while silent = 12:00:30 − 10 s lateness + (silence − 15 s grace): reaches 12:01:00 after 55 s.
        s.Clock.Advance(TimeSpan.FromSeconds(54));
        s.Tick();
        s.Levels.ShouldBeEmpty();

        s.Clock.Advance(TimeSpan.FromSeconds(1.5));
        s.Tick();

        var level = s.Levels.ShouldHaveSingleItem();
        level.WindowStart.ShouldBe(Noon);
        level.Count.ShouldBe(1);
        s.Send("s1", Noon.AddSeconds(45), 50).ShouldBe(ReadingOutcome.Late);
    }

    [Fact]
    public void A_sensor_that_keeps_reporting_is_not_closed_by_the_timer()
    {
        var s = new AggregatorScenario();
        for (var i = 0; i < 20; i++)
        {
            s.Send("s1", Noon.AddSeconds(i * 2), 50);
            s.Clock.Advance(TimeSpan.FromSeconds(10));
            s.Tick();
        }

        s.Levels.ShouldBeEmpty("readings arrive every 10 s of wall time, within the idle grace");
    }

    [Fact]
    public void A_reading_delivered_twice_is_counted_once()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(10), 50, id: "r1").ShouldBe(ReadingOutcome.Counted);
        s.Send("s1", Noon.AddSeconds(10), 50, id: "r1").ShouldBe(ReadingOutcome.Duplicate);
        s.Send("s1", Noon.AddSeconds(20), 50, id: "r2");

        s.Send("s1", Noon.AddSeconds(75), 50);

        s.Levels.ShouldHaveSingleItem().Count.ShouldBe(2);
    }

    [Fact]
    public void A_reading_redelivered_after_its_window_closed_is_a_duplicate_not_a_late_reading()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(10), 50, id: "r1");
        s.Send("s1", Noon.AddSeconds(75), 50);

        s.Send("s1", Noon.AddSeconds(10), 50, id: "r1").ShouldBe(ReadingOutcome.Duplicate);
        s.Send("s1", Noon.AddSeconds(135), 50);

        s.Levels.Select(l => l.LateCount).ShouldBe([0, 0]);
    }

    [Fact]
    public void The_same_value_ten_times_in_a_row_is_reported_once_as_a_stuck_sensor()
    {
        var s = new AggregatorScenario();
        for (var i = 0; i < 9; i++)
        {
            s.Send("s1", Noon.AddSeconds(i), 61.3);
        }
        s.Faults.ShouldBeEmpty();

        s.Send("s1", Noon.AddSeconds(9), 61.3);
        s.Send("s1", Noon.AddSeconds(10), 61.3);

        var fault = s.Faults.ShouldHaveSingleItem();
        fault.Fault.ShouldBe(SensorFault.Stuck);
        fault.LastSeenAt.ShouldBe(Noon.AddSeconds(9));
        s.Outputs.Single(o => o.Message is SensorFaultDetected).RoutingKey.ShouldBe("sensor.fault.s1");

        s.Send("s1", Noon.AddSeconds(11), 62);
        for (var i = 0; i < 10; i++)
        {
            s.Send("s1", Noon.AddSeconds(12 + i), 62);
        }
        s.Faults.Count().ShouldBe(2, "stuck again after a change");
    }

    [Fact]
    public void A_sensor_silent_longer_than_its_expected_interval_is_reported_offline_once()
    {
        var s = new AggregatorScenario(o => o.Rules.OfflineAfter = TimeSpan.FromMinutes(2));
        s.Send("s1", Noon.AddSeconds(10), 50);
        s.Clock.Advance(TimeSpan.FromMinutes(2));
        s.Tick();
        s.Faults.ShouldBeEmpty();

        s.Clock.Advance(TimeSpan.FromSeconds(1));
        s.Tick();
        s.Clock.Advance(TimeSpan.FromMinutes(5));
        s.Tick();

        var fault = s.Faults.ShouldHaveSingleItem();
        fault.Fault.ShouldBe(SensorFault.Offline);
        fault.LastSeenAt.ShouldBe(Noon.AddSeconds(10));
        fault.DetectedAt.ShouldBe(AggregatorScenario.At("2026-01-05T12:32:01Z"));

        s.Send("s1", Noon.AddMinutes(10), 50);
        s.Clock.Advance(TimeSpan.FromMinutes(3));
        s.Tick();
        s.Faults.Count().ShouldBe(2, "offline again after it came back");
    }

    [Fact]
    public void Restored_state_continues_exactly_where_the_checkpoint_left_off()
    {
        var original = new AggregatorScenario();
        var restored = new AggregatorScenario();
        for (var i = 0; i < 50; i++)
        {
            original.Send(Reading("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}"));
        }
        // What a checkpoint stores: the state without its readings, plus the readings of windows not yet forgotten.
        var header = SensorStateJson.Serialize(original.Aggregator.Sensors["s1"]);
        header.ShouldNotContain("\"r49\"", Case.Sensitive, "readings are stored as rows, not in the state");
        var forgotten = original.Aggregator.ForgottenWindows.ToHashSet();
        var stored = original.Aggregator.NewReadings.Where(r => !forgotten.Contains((r.SensorId, r.WindowStart))).ToList();
        restored.Aggregator.Load([SensorStateJson.Deserialize(header)], stored);
        restored.Aggregator.NewReadings.ShouldBeEmpty("nothing to store again after a load");
        var before = original.Outputs.Count;

        for (var i = 45; i < 100; i++) // 45..49 again: redelivered after the "crash"
        {
            original.Send(Reading("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}"));
            restored.Send(Reading("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}"));
        }

        restored.Levels.ShouldBe(original.Levels.Skip(original.Levels.Count() - restored.Levels.Count()));
        restored.Outputs.Select(o => o.MessageId).ShouldBe(original.Outputs.Skip(before).Select(o => o.MessageId));
    }

    [Fact]
    public void A_state_checkpointed_with_its_readings_inline_by_an_earlier_version_continues_and_stores_them_as_rows()
    {
        var original = new AggregatorScenario();
        var restored = new AggregatorScenario();
        for (var i = 0; i < 50; i++)
        {
            original.Send(Reading("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}"));
        }
        var inline = JsonSerializer.Serialize(original.Aggregator.Sensors["s1"], ProcessingJsonContext.Default.SensorState);
        restored.Aggregator.Load([SensorStateJson.Deserialize(inline)], []);
        restored.Aggregator.Dirty.ShouldContain("s1");
        var remembered = original.Aggregator.Sensors["s1"].Windows.Sum(w => w.Readings.Count) + original.Aggregator.Sensors["s1"].RecentlyClosed.Sum(c => c.Ids.Count);
        restored.Aggregator.NewReadings.Count.ShouldBe(remembered, "every inline reading is stored as a row at the next checkpoint");

        for (var i = 45; i < 100; i++)
        {
            original.Send(Reading("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}"));
            restored.Send(Reading("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}"));
        }
        restored.Levels.ShouldBe(original.Levels.Skip(original.Levels.Count() - restored.Levels.Count()));
    }
}
