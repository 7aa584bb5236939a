using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Aggregation;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>The windowed aggregation without a broker: readings are 1 s long unless stated, nothing sleeps.</summary>
[Trait("Category", "Unit")]
public sealed class AggregatorTests
{
    [Fact]
    public void A_window_closes_when_the_sensors_watermark_passes_its_end_and_reports_its_levels()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(5), 20, lamax: 30);
        s.Send("s1", Noon.AddSeconds(30), 50, lamax: 56);
        s.Send("s1", Noon.AddSeconds(59), 80);       // covers 12:00:58–12:00:59
        s.Send("s1", Noon.AddSeconds(61), 40);       // covers 12:01:00–12:01:01: the next window
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
            Laeq = 75.23,  // 10·lg((10^2 + 10^5 + 10^8) / 3)
            Lamax = 80,
            L10 = 80,      // 1 of 3 s at 80: exceeded 33 % of the time
            L50 = 50,
            L90 = 20,
            Count = 3,
            LateCount = 0,
            SpikeCount = 0,
            Period = DayPeriod.Day,
            Threshold = 55,
            Coverage = 3.0 / 60,
        });
        level.Distribution!.OrderBy(c => c.Key).ShouldBe([new(200, 1.0), new(500, 1.0), new(800, 1.0)]);
        s.Outputs.Single(o => o.Message is NoiseLevelMeasured).RoutingKey.ShouldBe("noise.level.s1");
    }

    [Fact]
    public void L10_is_the_level_exceeded_ten_percent_of_the_time_without_interpolation()
    {
        var s = new AggregatorScenario();
        s.Send("s1", [.. new[] { 40, 40, 40, 40, 40, 90 }.Select((l, i) => Reading(Noon.AddSeconds(i + 1), l))]);
        s.CloseAll("s1", Noon);

        var level = s.Levels.First();
        (level.L10, level.L50, level.L90).ShouldBe((90, 40, 40));
        level.Laeq.ShouldBe(82.22); // 10·lg((5·10^4 + 10^9) / 6)
    }

    [Fact]
    public void L10_and_L90_are_weighted_by_time_80_dB_for_55_s_and_40_dB_for_5_s_give_80_for_both()
    {
        var s = new AggregatorScenario();
        s.Send("s1", [Reading(Noon.AddSeconds(55), 80, duration: 55), Reading(Noon.AddMinutes(1), 40, duration: 5)]);
        s.CloseAll("s1", Noon);

        var level = s.Levels.First();
        (level.L10, level.L50, level.L90).ShouldBe((80, 80, 80));
        level.Laeq.ShouldBe(79.62); // 10·lg((55·10^8 + 5·10^4) / 60)
        level.Coverage.ShouldBe(1);
        level.Count.ShouldBe(2);
        level.Distribution!.OrderBy(c => c.Key).ShouldBe([new(400, 5.0), new(800, 55.0)]);
    }

    [Fact]
    public void A_reading_crossing_a_window_boundary_is_split_by_time()
    {
        var s = new AggregatorScenario();
        // 70 dB over 12:00:19–12:00:20; 60 dB over 12:00:40–12:01:10: 20 s in 12:00, 10 s in 12:01.
        s.Send("s1", [Reading(Noon.AddSeconds(20), 70), Reading(Noon.AddSeconds(70), 60, duration: 30)]);
        s.CloseAll("s1", Noon);

        var (first, second) = (s.Levels.First(), s.Levels.Skip(1).First());
        first.WindowStart.ShouldBe(Noon);
        first.Laeq.ShouldBe(61.55); // 10·lg((20·10^6 + 10^7) / 21)
        first.Coverage.ShouldBe(21.0 / 60);
        first.Count.ShouldBe(2);
        first.Distribution!.OrderBy(c => c.Key).ShouldBe([new(600, 20.0), new(700, 1.0)]);
        second.WindowStart.ShouldBe(Noon.AddMinutes(1));
        second.Laeq.ShouldBe(60);
        second.Coverage.ShouldBe(10.0 / 60);
        second.Count.ShouldBe(1, "a reading crossing a boundary counts in both windows");
    }

    [Fact]
    public void A_reading_without_a_duration_lasts_the_batchs_interval()
    {
        var s = new AggregatorScenario();
        s.Send("s1", [Reading(Noon.AddSeconds(30), 60), Reading(Noon.AddSeconds(40), 50, duration: 2)], interval: 10);
        s.CloseAll("s1", Noon);

        var level = s.Levels.First();
        level.Coverage.ShouldBe(12.0 / 60);
        level.Distribution!.OrderBy(c => c.Key).ShouldBe([new(500, 2.0), new(600, 10.0)]);
    }

    [Fact]
    public void An_out_of_order_reading_within_the_allowed_lateness_is_merged()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(10), 50);
        s.Send("s1", Noon.AddSeconds(65), 50);             // watermark 12:00:55
        s.Send("s1", Noon.AddSeconds(50), 50).Counted.ShouldBe(1);

        s.Send("s1", Noon.AddSeconds(80), 50);

        s.Levels.ShouldHaveSingleItem().Count.ShouldBe(2, "12:00:10 and the out-of-order 12:00:50");
    }

    [Fact]
    public void A_reading_whose_window_ends_behind_the_watermark_is_late_and_never_opens_that_window()
    {
        var s = new AggregatorScenario();
        var midnight = At("2026-01-05T00:00:00Z");
        s.Send("s1", midnight.AddSeconds(30), 50);
        s.Send("s1", midnight.AddSeconds(330), 60);                  // watermark 00:05:20 closes 00:00
        s.Send("s1", midnight.AddSeconds(190), 90).Late.ShouldBe(1); // window 00:03 ends 00:04, behind 00:05:20
        s.Send("s1", midnight.AddSeconds(200), 90).Late.ShouldBe(1);

        s.Send("s1", midnight.AddMinutes(7), 60);                    // watermark 00:06:50 closes 00:05

        s.Levels.Select(l => (l.WindowStart, l.Count, l.LateCount, l.Laeq)).ShouldBe(
        [
            (midnight, 1, 0, 50.0),
            (midnight.AddMinutes(5), 1, 2, 60.0),
        ]);
    }

    [Fact]
    public void A_late_reading_redelivered_is_a_duplicate_not_late_twice()
    {
        var s = new AggregatorScenario();
        var midnight = At("2026-01-05T00:00:00Z");
        s.Send("s1", midnight.AddSeconds(30), 50);
        s.Send("s1", midnight.AddSeconds(330), 60);
        s.Send("s1", midnight.AddSeconds(190), 90, id: "late").Late.ShouldBe(1);

        s.Send("s1", midnight.AddSeconds(190), 90, id: "late").Duplicates.ShouldBe(1);
        s.Send("s1", midnight.AddMinutes(7), 60);

        s.Levels.Last().LateCount.ShouldBe(1);
    }

    [Fact]
    public void A_late_reading_redelivered_after_newer_windows_closed_is_still_a_duplicate()
    {
        var s = new AggregatorScenario();
        var midnight = At("2026-01-05T00:00:00Z");
        s.Send("s1", midnight.AddSeconds(30), 50);
        s.Send("s1", midnight.AddSeconds(330), 60);                          // 00:00 … 00:04 closed
        s.Send("s1", midnight.AddSeconds(100), 90, id: "late").Late.ShouldBe(1); // kept with 00:00, the newest closed
        s.Send("s1", midnight.AddSeconds(570), 60);                          // 00:05 … 00:08 closed since

        s.Send("s1", midnight.AddSeconds(100), 90, id: "late").Duplicates.ShouldBe(1);
        // A reading crossing from a closed window into the open one is found in the open one.
        s.Send("s1", midnight.AddSeconds(545), 70, duration: 10, id: "across").Counted.ShouldBe(1);
        s.Send("s1", midnight.AddSeconds(545), 70, duration: 10, id: "across").Duplicates.ShouldBe(1);
        s.Send("s1", midnight.AddMinutes(12), 60);
        s.Send("s1", midnight.AddSeconds(545), 70, duration: 10, id: "across").Duplicates.ShouldBe(1,
            "its window has closed since");
    }

    [Fact]
    public void A_window_of_many_readings_still_recognises_each_duplicate()
    {
        // Half-second readings: 120 in a window, more than a window searches without its table.
        var s = new AggregatorScenario();
        List<SensorReading> Window() => [.. Enumerable.Range(1, 120)
            .Select(i => Reading(Noon.AddMilliseconds(500 * i), 50 + (i % 9), duration: 0.5, id: $"h-{i}"))];
        s.Send("s1", Window()).ShouldBe(new BatchOutcome(120, 0, 0, 0));

        s.Send("s1", Window()).ShouldBe(new BatchOutcome(0, 120, 0, 0));
        s.Send("s1", [.. Window().Take(60).Select(r => r with { ReadingId = "new-" + r.ReadingId })])
            .ShouldBe(new BatchOutcome(60, 0, 0, 0), "other ids at the same times are other readings");
        s.CloseAll("s1", Noon.AddSeconds(60));
        s.Send("s1", Window()).ShouldBe(new BatchOutcome(0, 120, 0, 0), "and from the closed window");
        s.Levels.ShouldHaveSingleItem().Count.ShouldBe(180);
    }

    [Fact]
    public void One_sensors_clock_never_makes_another_sensors_readings_late()
    {
        var s = new AggregatorScenario();
        s.Send("ahead", Noon.AddHours(2), 50);

        s.Send("behind", Noon.AddSeconds(30), 50).Counted.ShouldBe(1);
        s.Send("behind", Noon.AddSeconds(50), 50).Counted.ShouldBe(1);

        s.Levels.ShouldBeEmpty();
        s.Aggregator.Sensors["behind"].Windows.ShouldHaveSingleItem().Count.ShouldBe(2);
    }

    [Fact]
    public void Invalid_levels_and_durations_are_skipped_and_counted()
    {
        var s = new AggregatorScenario();
        var outcome = s.Send("s1",
        [
            Reading(Noon.AddSeconds(1), double.NaN),
            Reading(Noon.AddSeconds(2), 194.1),
            Reading(Noon.AddSeconds(3), -0.1),
            Reading(Noon.AddSeconds(4), 50, lamax: -1),
            Reading(Noon.AddSeconds(5), 50, lamax: double.PositiveInfinity),
            Reading(Noon.AddSeconds(6), 50, duration: 0),
            Reading(Noon.AddSeconds(7), 50, duration: -5),
            Reading(Noon.AddSeconds(8), 50, duration: double.NaN),
            Reading(Noon.AddSeconds(9), 194),
        ]);

        outcome.ShouldBe(new BatchOutcome(Counted: 1, Duplicates: 0, Late: 0, Invalid: 8));
        s.Aggregator.Sensors["s1"].Windows.ShouldHaveSingleItem().Count.ShouldBe(1);
    }

    [Fact]
    public void A_reading_delivered_twice_is_counted_once()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(10), 50, id: "r1").Counted.ShouldBe(1);
        s.Send("s1", Noon.AddSeconds(10), 50, id: "r1").Duplicates.ShouldBe(1);
        s.Send("s1", Noon.AddSeconds(20), 50, id: "r2");

        s.Send("s1", Noon.AddSeconds(75), 50);

        s.Levels.ShouldHaveSingleItem().Count.ShouldBe(2);
    }

    [Fact]
    public void A_reposted_request_of_1000_readings_whose_windows_have_closed_is_recognised_reading_by_reading()
    {
        var s = new AggregatorScenario();
        var request = Enumerable.Range(1, 1000).Select(i => Reading(Noon.AddSeconds(i), 50 + (i % 7), id: $"c-{i}"))
            .ToList();
        s.Send("s1", request).ShouldBe(new BatchOutcome(1000, 0, 0, 0));
        s.Send("s1", [.. Enumerable.Range(1001, 60).Select(i => Reading(Noon.AddSeconds(i), 50, id: $"c-{i}"))]);
        s.Levels.Count().ShouldBe(17, "12:00 … 12:16 have closed (watermark 12:17:30)");

        s.Send("s1", request).ShouldBe(new BatchOutcome(0, 1000, 0, 0));
        s.CloseAll("s1", Noon.AddSeconds(1060));

        s.Levels.Sum(l => l.Count).ShouldBe(1060);
        s.Levels.Sum(l => l.LateCount).ShouldBe(0);
    }

    [Fact]
    public void Closed_windows_are_forgotten_beyond_the_duplicate_horizon_but_at_least_the_configured_number_kept()
    {
        var s = new AggregatorScenario(o =>
        {
            o.Windows.DuplicateHorizon = TimeSpan.FromMinutes(5);
            o.Windows.ClosedWindowsRemembered = 2;
        });
        s.Windows("s1", Noon, [.. Enumerable.Repeat(50.0, 10)]);   // watermark 12:09:20: 12:00 … 12:08 closed

        // Remembered: windows ending after 12:04:20 (12:04 … 12:08).
        s.Aggregator.Sensors["s1"].RecentlyClosed.Select(c => c.Start).ShouldBe(
            [.. Enumerable.Range(4, 5).Select(m => Noon.AddMinutes(m))]);
        var sensor = s.Aggregator.Sensors["s1"];
        sensor.RecentlyClosed.Select(c => c.Ids.Count).Concat(sensor.Windows.Select(w => w.Ids.Count)).ShouldBe(
            [1, 1, 1, 1, 1, 1], "five remembered windows and the open one, a reading each");

        s.Send("s1", Noon.AddHours(1), 50);
        s.Aggregator.Sensors["s1"].RecentlyClosed.Count.ShouldBe(2, "the horizon is far behind: the minimum kept");
    }

    [Fact]
    public void Windows_that_reuse_forgotten_windows_hash_lists_remember_only_their_own_readings()
    {
        var s = new AggregatorScenario(o =>
        {
            o.Windows.DuplicateHorizon = TimeSpan.FromMinutes(2);
            o.Windows.ClosedWindowsRemembered = 1;
        });
        List<SensorReading> Minute(int minute) => [.. Enumerable.Range(1, 60)
            .Select(i => Reading(Noon.AddMinutes(minute).AddSeconds(i), 50, id: $"m{minute}-{i}"))];
        for (var minute = 0; minute < 12; minute++)
        {
            s.Send("s1", Minute(minute)).ShouldBe(new BatchOutcome(60, 0, 0, 0));
        }

        // Every window opened after the first forgets took a forgotten window's list: each holds its own 60 hashes
        // and no earlier one (no hash is in two lists).
        var sensor = s.Aggregator.Sensors["s1"];
        var lists = sensor.RecentlyClosed.Select(c => c.Ids).Concat(sensor.Windows.Select(w => w.Ids)).ToList();
        lists.ShouldAllBe(ids => ids.Count == 60);
        lists.SelectMany(ids => ids.Hashes).Distinct().Count().ShouldBe(lists.Count * 60);
        s.Send("s1", Minute(11)).ShouldBe(new BatchOutcome(0, 60, 0, 0), "the open window's readings again");
        s.Send("s1", Minute(10)).ShouldBe(new BatchOutcome(0, 60, 0, 0), "the last closed window's readings again");
        s.Send("s1", Minute(2)).ShouldBe(new BatchOutcome(0, 0, 60, 0), "a forgotten window's readings are late");
    }

    [Fact]
    public void A_silent_sensors_window_is_closed_by_the_fed_clock()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(30), 50);

        // Watermark while silent = 12:00:30 − 10 s lateness + (silence − 75 s grace): reaches 12:01:00 after 115 s.
        s.Tick(TimeSpan.FromSeconds(114));
        s.Levels.ShouldBeEmpty();

        s.Tick(TimeSpan.FromSeconds(1));

        var level = s.Levels.ShouldHaveSingleItem();
        level.WindowStart.ShouldBe(Noon);
        s.Send("s1", Noon.AddSeconds(45), 50).Late.ShouldBe(1);
    }

    // Sensors report a packet of 1 s levels a minute, posted at any second of the minute: the idle timer must not
    // close a window before the packet holding its rest arrives (with a 15 s grace, a packet posted 25 s or more
    // into the minute lost the rest of that minute as late readings).
    [Theory]
    [InlineData(5)]
    [InlineData(25)]
    [InlineData(45)]
    [InlineData(59)]
    public void A_sensor_posting_a_packet_a_minute_keeps_whole_windows_whatever_second_it_posts_at(int second)
    {
        var s = new AggregatorScenario();
        var packetEnd = Noon.AddSeconds(second);
        for (var packet = 0; packet < 6; packet++)
        {
            var readings = Enumerable.Range(-59, 60).Select(i => Reading(packetEnd.AddSeconds(i), 50)).ToArray();
            s.Send("s1", readings, interval: 1).Late.ShouldBe(0);
            // The next packet comes a minute later and spends 2 s in transit.
            for (var i = 0; i < 62; i++)
            {
                s.Tick(TimeSpan.FromSeconds(1));
            }
            packetEnd = packetEnd.AddMinutes(1);
        }

        var whole = s.Levels.Where(l => l.WindowStart >= Noon && l.WindowEnd <= packetEnd.AddMinutes(-1)).ToList();
        whole.Count.ShouldBeGreaterThanOrEqualTo(4);
        whole.ShouldAllBe(l => l.Coverage == 1 && l.LateCount == 0 && l.Count == 60);
    }

    [Fact]
    public void Ninety_seconds_while_the_partition_is_not_fed_close_nothing_and_report_nothing()
    {
        var s = new AggregatorScenario(o => o.Rules.OfflineAfter = TimeSpan.FromSeconds(60));
        s.Send("s1", Noon.AddSeconds(30), 50);

        for (var i = 0; i < 90; i++)
        {
            s.Tick(TimeSpan.Zero, wall: TimeSpan.FromSeconds(1));
        }

        s.Outputs.ShouldBeEmpty();
        s.Aggregator.FedTime.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_sensor_that_keeps_reporting_is_not_closed_by_the_timer()
    {
        var s = new AggregatorScenario();
        for (var i = 0; i < 20; i++)
        {
            s.Send("s1", Noon.AddSeconds(1 + (i * 2)), 50);
            s.Tick(TimeSpan.FromSeconds(10));
        }

        s.Levels.ShouldBeEmpty("readings arrive every 10 s of fed time, within the idle grace");
    }

    [Fact]
    public void A_sensor_silent_longer_than_its_expected_interval_is_reported_offline_once()
    {
        var s = new AggregatorScenario(o => o.Rules.OfflineAfter = TimeSpan.FromMinutes(2));
        s.Send("s1", Noon.AddSeconds(10), 50);
        s.Tick(TimeSpan.FromMinutes(2));
        s.Faults.ShouldBeEmpty();

        s.Tick(TimeSpan.FromSeconds(1));
        s.Tick(TimeSpan.FromMinutes(5));

        var fault = s.Faults.ShouldHaveSingleItem();
        fault.Fault.ShouldBe(SensorFault.Offline);
        fault.LastSeenAt.ShouldBe(Noon.AddSeconds(10));
        fault.DetectedAt.ShouldBe(At("2026-01-05T12:32:01Z"));

        s.Send("s1", Noon.AddMinutes(10), 50);
        s.Tick(TimeSpan.FromMinutes(3));
        s.Faults.Count().ShouldBe(2, "offline again after it came back");
    }

    [Fact]
    public void The_same_value_ten_times_in_a_row_is_reported_once_as_a_stuck_sensor()
    {
        var s = new AggregatorScenario();
        for (var i = 0; i < 9; i++)
        {
            s.Send("s1", Noon.AddSeconds(i + 1), 61.3);
        }
        s.Faults.ShouldBeEmpty();

        s.Send("s1", [Reading(Noon.AddSeconds(10), 61.3), Reading(Noon.AddSeconds(11), 61.3)]);

        var fault = s.Faults.ShouldHaveSingleItem();
        fault.Fault.ShouldBe(SensorFault.Stuck);
        fault.LastSeenAt.ShouldBe(Noon.AddSeconds(10));
        s.Outputs.Single(o => o.Message is SensorFaultDetected).RoutingKey.ShouldBe("sensor.fault.s1");

        s.Send("s1", [.. Enumerable.Range(12, 11).Select(i => Reading(Noon.AddSeconds(i), 62))]);
        s.Faults.Count().ShouldBe(2, "stuck again after a change");
    }

    [Fact]
    public void Changes_are_tracked_per_sensor_and_clearing_them_marks_every_hash_persisted()
    {
        var s = new AggregatorScenario();
        s.Send("a", Noon.AddSeconds(10), 50);
        s.Send("b", Noon.AddSeconds(10), 50);
        s.Send("a", Noon.AddSeconds(75), 50);                      // closes a's 12:00
        s.Aggregator.Changed.Select(c => c.SensorId).Order().ShouldBe(["a", "b"]);

        s.Aggregator.ClearChanges();

        s.Aggregator.Changed.ShouldBeEmpty();
        var a = s.Aggregator.Sensors["a"];
        a.RecentlyClosed.ShouldHaveSingleItem().Ids.Persisted.ShouldBe(1);
        a.Windows.ShouldHaveSingleItem().Ids.Persisted.ShouldBe(1);
        s.Send("b", Noon.AddSeconds(11), 50);
        s.Aggregator.Changed.ShouldHaveSingleItem().SensorId.ShouldBe("b");
    }

    [Fact]
    public void Output_message_ids_of_a_window_are_deterministic()
    {
        var a = new AggregatorScenario();
        var b = new AggregatorScenario();
        a.Send("s1", Noon.AddSeconds(10), 50, id: "x");
        b.Send("s1", Noon.AddSeconds(20), 70, id: "y");
        a.CloseAll("s1", Noon);
        b.CloseAll("s1", Noon);

        a.Outputs[0].MessageId.ShouldBe(b.Outputs[0].MessageId, "same type, sensor and window");
        a.Outputs[0].MessageId.ShouldBe(DeterministicId.For(NoiseLevelMeasured.MessageType, "s1",
            Noon.UtcTicks.ToString()));
    }
}
